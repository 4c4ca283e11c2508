using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Keeps a lifecycle action alive while Salt works on its instance: RecordLifecycleActionHeartbeat every interval,
/// derived from the hook itself (<see cref="StartAsync"/>), until the work ends or the hook's global timeout passes.
/// A transient failure is logged and the next tick tries again; "action gone" or a permanent refusal ends it.
/// </summary>
internal sealed class HeartbeatKeeper(
    ILifecycleActionClient client,
    LifecycleHookCatalog hooks,
    IOptions<AutoScalingOptions> options,
    TimeProvider timeProvider,
    ILogger<HeartbeatKeeper> logger,
    IMeterFactory? meterFactory = null,
    DependencyOutages? outages = null)
{
    private readonly Counter<long> recorded = BridgeMeter.Create(meterFactory)
        .CreateCounter<long>("heartbeats", description: "Lifecycle action heartbeats recorded");

    /// <summary>Where the jitter comes from (tests pin it).</summary>
    internal Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>
    /// Starts heartbeats for an action that began at <paramref name="actionStarted"/> (now when unknown): the interval
    /// from the hook's HeartbeatTimeout (or <see cref="AutoScalingOptions.HeartbeatInterval"/>), the end at its global
    /// timeout. <paramref name="resumed"/> sends the first heartbeat at once, as the action may have waited meanwhile.
    /// </summary>
    public async Task<HeartbeatLease> StartAsync(
        LifecycleActionIdentity action, DateTimeOffset? actionStarted, bool resumed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var plan = await PlanAsync(action, actionStarted ?? timeProvider.GetUtcNow(), cancellationToken);
        return Start(action, plan with { BeatAtOnce = resumed }, cancellationToken);
    }

    /// <summary>The heartbeat plan for an action of this hook that began at <paramref name="actionStarted"/>.</summary>
    public async Task<HeartbeatPlan> PlanAsync(LifecycleActionIdentity action, DateTimeOffset actionStarted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var configured = options.Value.HeartbeatInterval;
        LifecycleHookSettings? hook;
        Exception? failure = null;
        try
        {
            hook = await hooks.FindAsync(action.AutoScalingGroupName, action.LifecycleHookName, cancellationToken);
        }
        catch (AutoScalingException e)
        {
            hook = null;
            failure = e;
        }

        if (hook is null)
        {
            // Without the hook nothing is known about its timeouts: beat often enough for any hook, stop at AWS's 48 h cap.
            var fallback = configured is { } value && value < HeartbeatPlan.FallbackInterval ? value : HeartbeatPlan.FallbackInterval;
            logger.HookUnknown(action.AutoScalingGroupName, action.LifecycleHookName, fallback, failure?.Message ?? "no such hook");
            return new HeartbeatPlan(fallback, actionStarted + TimeSpan.FromHours(48));
        }

        var interval = HeartbeatPlan.DeriveInterval(hook.HeartbeatTimeout, configured, Jitter());
        if (configured is { } tooLong && tooLong >= hook.HeartbeatTimeout)
            logger.ConfiguredIntervalTooLong(tooLong, hook.HeartbeatTimeout, hook.LifecycleHookName, hook.AutoScalingGroupName, interval);
        return new HeartbeatPlan(interval, actionStarted + hook.EffectiveGlobalTimeout, hook.DefaultResult) { HookTimeout = hook.HeartbeatTimeout };
    }

    /// <summary>Starts heartbeats every <paramref name="interval"/>; the first one goes out one interval from now.</summary>
    public HeartbeatLease Start(LifecycleActionIdentity action, TimeSpan interval, CancellationToken cancellationToken) =>
        Start(action, new HeartbeatPlan(interval), cancellationToken);

    public HeartbeatLease Start(LifecycleActionIdentity action, HeartbeatPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(plan.Interval, TimeSpan.Zero);
        // A periodic timer keeps the cadence even when a heartbeat call itself takes a while.
        var timer = new PeriodicTimer(plan.Interval, timeProvider);
        var lease = new HeartbeatLease(plan, timer);
        lease.Completion = RunAsync(action, lease, timer, cancellationToken);
        return lease;
    }

    private async Task<HeartbeatStopReason> RunAsync(
        LifecycleActionIdentity action, HeartbeatLease lease, PeriodicTimer timer, CancellationToken cancellationToken)
    {
        var plan = lease.Plan;
        logger.HeartbeatsStarted(action.InstanceId, plan.Interval);
        using (timer)
        {
            try
            {
                // The deadline is looked at before every heartbeat and after every call: no timer of its own between heartbeats.
                for (var beat = plan.BeatAtOnce; ; beat = true)
                {
                    var left = UntilDeadline(plan);
                    if (left <= TimeSpan.Zero)
                        return PastGlobalTimeout(action, plan);
                    if (beat && await BeatAsync(action, lease, left, cancellationToken) is { } stop)
                        return stop;

                    left = UntilDeadline(plan);
                    if (left < timer.Period)
                    {
                        if (left <= TimeSpan.Zero)
                            return PastGlobalTimeout(action, plan);

                        // The last period ends at the deadline, so that the keeper stops then, not up to an interval later.
                        // It counts from when it is set: looked at again in case the clock passed the deadline meanwhile.
                        timer.Period = TimeSpan.FromMilliseconds(Math.Ceiling(left.Value.TotalMilliseconds));
                        if (UntilDeadline(plan) <= TimeSpan.Zero)
                            return PastGlobalTimeout(action, plan);
                    }

                    if (!await timer.WaitForNextTickAsync(cancellationToken))
                        return HeartbeatStopReason.Stopped; // the lease was disposed
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return HeartbeatStopReason.Stopped;
            }
            catch (ObjectDisposedException) when (lease.IsDisposed)
            {
                // Disposed between the deadline check and shortening the period.
                return HeartbeatStopReason.Stopped;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.HeartbeatsRefused(action.InstanceId, e);
                return HeartbeatStopReason.Failed;
            }
        }
    }

    /// <summary>One heartbeat, cancelled by the job, the lease's disposal or the deadline; a reason to stop, or null to go on.</summary>
    private async Task<HeartbeatStopReason?> BeatAsync(
        LifecycleActionIdentity action, HeartbeatLease lease, TimeSpan? untilDeadline, CancellationToken cancellationToken)
    {
        // These exist only while the call is in flight: between heartbeats a lease holds no source and no deadline timer.
        using var pastDeadline = untilDeadline is { } left ? new CancellationTokenSource(left, timeProvider) : null;
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, pastDeadline?.Token ?? CancellationToken.None);
        if (!lease.TryBeginBeat(source))
        {
            source.Dispose();
            return HeartbeatStopReason.Stopped;
        }

        try
        {
            if (await client.RecordHeartbeatAsync(action, source.Token) == LifecycleActionOutcome.ActionGone)
            {
                logger.HeartbeatsActionGone(action.InstanceId);
                return HeartbeatStopReason.ActionGone;
            }

            recorded.Add(1);
            logger.HeartbeatRecorded(action.InstanceId);
        }
        catch (AutoScalingException e) when (e.IsTransient)
        {
            // While Auto Scaling does not answer, its outage warning said once that heartbeats try again.
            if (outages?.IsDown(DependencyNames.AutoScaling) == true)
                logger.HeartbeatFailedDuringOutage(action.InstanceId, e.Message);
            else
                logger.HeartbeatFailed(action.InstanceId, e.Message);
        }
        catch (OperationCanceledException) when (source.IsCancellationRequested)
        {
            // The job's end wins over the deadline when both came.
            return cancellationToken.IsCancellationRequested || lease.IsDisposed
                ? HeartbeatStopReason.Stopped
                : PastGlobalTimeout(action, lease.Plan);
        }
        finally
        {
            lease.EndBeat(source);
        }

        return null;
    }

    private TimeSpan? UntilDeadline(HeartbeatPlan plan) => plan.Deadline - timeProvider.GetUtcNow();

    private HeartbeatStopReason PastGlobalTimeout(LifecycleActionIdentity action, HeartbeatPlan plan)
    {
        logger.HeartbeatsPastGlobalTimeout(action.InstanceId, plan.Deadline, plan.DefaultResult ?? "(unknown)");
        return HeartbeatStopReason.GlobalTimeout;
    }
}
