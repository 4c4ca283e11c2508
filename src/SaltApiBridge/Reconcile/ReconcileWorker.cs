using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;

namespace SaltApiBridge.Reconcile;

/// <summary>
/// The daemon's periodic reconcile (<see cref="ReconcileOptions.Interval"/>; off by default), the first run one interval
/// after the start. Reports, or deletes orphans when <see cref="ReconcileOptions.Apply"/> is set, within the same guards
/// as the command, on one replica at a time (the task lease <see cref="LeaseKey.Reconcile"/>). A failed run is logged; the next
/// one tries again.
/// </summary>
internal sealed class ReconcileWorker(
    FleetReconciler reconciler,
    ILeases leases,
    IOptions<ReconcileOptions> options,
    TimeProvider timeProvider,
    ILogger<ReconcileWorker> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private PeriodicTimer? timer;
    private Task loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Interval is { } interval)
        {
            // The timer exists when the host's start returns, so the interval counts from the start.
            timer = new PeriodicTimer(interval, timeProvider);
            loop = RunAsync(timer, settings, stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await loop.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        timer?.Dispose();
        stopping.Dispose();
    }

    private async Task RunAsync(PeriodicTimer ticks, ReconcileOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            while (await ticks.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    // One replica at a time: the others skip this run (the holder reports and deletes for all).
                    await using var held = await leases.TryAcquireAsync(LeaseKey.Reconcile, cancellationToken);
                    if (held is not null)
                        await reconciler.RunAsync(settings.Apply, settings.MaxDeletions, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    ReconcileLog.RunFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
