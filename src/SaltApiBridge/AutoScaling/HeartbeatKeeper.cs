using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Keeps a lifecycle action alive while Salt works on its instance: RecordLifecycleActionHeartbeat every interval.
/// A transient failure is logged and the next tick tries again; "action gone" or a permanent refusal ends it.
/// </summary>
internal sealed class HeartbeatKeeper(
    ILifecycleActionClient client,
    IOptions<AutoScalingOptions> options,
    TimeProvider timeProvider,
    ILogger<HeartbeatKeeper> logger,
    IMeterFactory? meterFactory = null)
{
    private readonly Counter<long> recorded = BridgeMeter.Create(meterFactory)
        .CreateCounter<long>("heartbeats", description: "Lifecycle action heartbeats recorded");

    /// <summary>Starts heartbeats at <see cref="AutoScalingOptions.HeartbeatInterval"/>.</summary>
    public HeartbeatLease Start(LifecycleActionIdentity action, CancellationToken cancellationToken) =>
        Start(action, options.Value.HeartbeatInterval, cancellationToken);

    /// <summary>Starts heartbeats; the first one goes out one interval from now, as the action has just begun.</summary>
    public HeartbeatLease Start(LifecycleActionIdentity action, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new HeartbeatLease(RunAsync(action, interval, stopping.Token), stopping);
    }

    private async Task<HeartbeatStopReason> RunAsync(LifecycleActionIdentity action, TimeSpan interval, CancellationToken stopping)
    {
        logger.HeartbeatsStarted(action.InstanceId, interval);
        // A periodic timer keeps the cadence even when a heartbeat call itself takes a while.
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    if (await client.RecordHeartbeatAsync(action, stopping) == LifecycleActionOutcome.ActionGone)
                    {
                        logger.HeartbeatsActionGone(action.InstanceId);
                        return HeartbeatStopReason.ActionGone;
                    }

                    recorded.Add(1);
                    logger.HeartbeatRecorded(action.InstanceId);
                }
                catch (AutoScalingException e) when (e.IsTransient)
                {
                    logger.HeartbeatFailed(action.InstanceId, e);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.HeartbeatsRefused(action.InstanceId, e);
            return HeartbeatStopReason.Failed;
        }

        return HeartbeatStopReason.Stopped;
    }
}
