using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Hosting;

/// <summary>
/// Runs the pipeline for the host's lifetime. Stop (SIGTERM) = stop polling, let in-flight work finish within
/// <see cref="PipelineOptions.DrainTimeout"/>, then interrupt it and release its messages to other replicas.
/// Polls only once <see cref="StartupChecks"/> passed. A queue that cannot be used at all stops the host with exit code 3.
/// </summary>
internal sealed class BridgeWorker(
    StartupChecks checks,
    LifecyclePipeline pipeline,
    IOptions<PipelineOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<BridgeWorker> logger) : BackgroundService
{
    public const int QueueUnavailableExitCode = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Nothing is received before the credentials and the hooks' check passed (a failed one stops the daemon).
        try
        {
            if (!await checks.Passed.WaitAsync(stoppingToken))
                return;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        using var abort = new CancellationTokenSource();
        var drainTimeout = options.Value.DrainTimeout;
        using var onStop = stoppingToken.Register(() =>
        {
            PipelineLog.Draining(logger, drainTimeout, pipeline.InFlight);
            _ = AbortAfterAsync(abort, drainTimeout);
        });
        try
        {
            await pipeline.RunAsync(stoppingToken, abort.Token);
        }
        catch (QueueUnavailableException e)
        {
            HostingLog.QueueUnavailable(logger, e.Message);
            Environment.ExitCode = QueueUnavailableExitCode;
            lifetime.StopApplication();
        }
    }

    private async Task AbortAfterAsync(CancellationTokenSource abort, TimeSpan drainTimeout)
    {
        try
        {
            await Task.Delay(drainTimeout, timeProvider, CancellationToken.None);
            if (pipeline.InFlight > 0)
                PipelineLog.DrainTimedOut(logger, pipeline.InFlight);
            await abort.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The pipeline drained first and the worker is gone: nothing to interrupt.
        }
    }
}
