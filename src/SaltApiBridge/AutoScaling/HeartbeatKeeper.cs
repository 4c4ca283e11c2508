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
        var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new HeartbeatLease(RunAsync(action, plan, stopping.Token), stopping, plan);
    }

    private async Task<HeartbeatStopReason> RunAsync(LifecycleActionIdentity action, HeartbeatPlan plan, CancellationToken stopping)
    {
        logger.HeartbeatsStarted(action.InstanceId, plan.Interval);
        var left = plan.Deadline is { } deadline ? deadline - timeProvider.GetUtcNow() : Timeout.InfiniteTimeSpan;
        if (plan.Deadline is not null && left <= TimeSpan.Zero)
            return PastGlobalTimeout(action, plan);

        using var pastDeadline = new CancellationTokenSource(left, timeProvider);
        using var ticking = CancellationTokenSource.CreateLinkedTokenSource(stopping, pastDeadline.Token);
        // A periodic timer keeps the cadence even when a heartbeat call itself takes a while.
        using var timer = new PeriodicTimer(plan.Interval, timeProvider);
        try
        {
            if (plan.BeatAtOnce && await BeatAsync(action, ticking.Token) is { } stopAtOnce)
                return stopAtOnce;
            while (await timer.WaitForNextTickAsync(ticking.Token))
            {
                if (await BeatAsync(action, ticking.Token) is { } stop)
                    return stop;
            }
        }
        catch (OperationCanceledException) when (ticking.IsCancellationRequested)
        {
            if (!stopping.IsCancellationRequested)
                return PastGlobalTimeout(action, plan);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.HeartbeatsRefused(action.InstanceId, e);
            return HeartbeatStopReason.Failed;
        }

        return HeartbeatStopReason.Stopped;
    }

    /// <summary>One heartbeat; a reason to stop, or null to go on.</summary>
    private async Task<HeartbeatStopReason?> BeatAsync(LifecycleActionIdentity action, CancellationToken cancellationToken)
    {
        try
        {
            if (await client.RecordHeartbeatAsync(action, cancellationToken) == LifecycleActionOutcome.ActionGone)
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

        return null;
    }

    private HeartbeatStopReason PastGlobalTimeout(LifecycleActionIdentity action, HeartbeatPlan plan)
    {
        logger.HeartbeatsPastGlobalTimeout(action.InstanceId, plan.Deadline, plan.DefaultResult ?? "(unknown)");
        return HeartbeatStopReason.GlobalTimeout;
    }
}
