using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SaltApiBridge.Reconcile;

/// <summary>
/// The daemon's periodic reconcile (<see cref="ReconcileOptions.Interval"/>; off by default). Reports, or deletes
/// orphans when <see cref="ReconcileOptions.Apply"/> is set, within the same guards as the command.
/// </summary>
internal sealed class ReconcileWorker(
    FleetReconciler reconciler, IOptions<ReconcileOptions> options, TimeProvider timeProvider, ILogger<ReconcileWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Interval is not { } interval)
            return;
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await reconciler.RunAsync(settings.Apply, settings.MaxDeletions, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    ReconcileLog.RunFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
