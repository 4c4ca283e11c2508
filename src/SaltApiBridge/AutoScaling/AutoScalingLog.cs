using Microsoft.Extensions.Logging;

namespace SaltApiBridge.AutoScaling;

/// <summary>Log lines of the Auto Scaling part. Tokens never appear: actions are named by group, hook and instance.</summary>
internal static partial class AutoScalingLog
{
    [LoggerMessage(3001, LogLevel.Debug, "Auto Scaling {ApiAction} accepted for instance {InstanceId} (group {AutoScalingGroup}, hook {LifecycleHook}, requestId {RequestId})")]
    public static partial void CallAccepted(
        this ILogger logger, string apiAction, string instanceId, string autoScalingGroup, string lifecycleHook, string? requestId);

    [LoggerMessage(3002, LogLevel.Warning, "Auto Scaling {ApiAction}: no active lifecycle action for instance {InstanceId} (group {AutoScalingGroup}, hook {LifecycleHook}); it timed out or was completed elsewhere (requestId {RequestId})")]
    public static partial void ActionGone(
        this ILogger logger, string apiAction, string instanceId, string autoScalingGroup, string lifecycleHook, string? requestId);

    [LoggerMessage(3003, LogLevel.Warning, "Auto Scaling {ApiAction} for instance {InstanceId} failed: {ErrorCode}, HTTP {StatusCode}, transient {IsTransient} (requestId {RequestId})")]
    public static partial void CallFailed(
        this ILogger logger, string apiAction, string instanceId, string errorCode, int statusCode, bool isTransient, string? requestId);

    [LoggerMessage(3004, LogLevel.Debug, "Auto Scaling {ApiAction} {Subject} could not reach AWS: {Error}")]
    public static partial void CallUnreachable(this ILogger logger, string apiAction, string subject, string error);

    [LoggerMessage(3005, LogLevel.Debug, "Retrying an Auto Scaling call, attempt {Attempt} after {Delay}: {Reason}")]
    public static partial void Retrying(this ILogger logger, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(3010, LogLevel.Debug, "Heartbeats for instance {InstanceId} started every {Interval}")]
    public static partial void HeartbeatsStarted(this ILogger logger, string instanceId, TimeSpan interval);

    [LoggerMessage(3011, LogLevel.Debug, "Heartbeat recorded for instance {InstanceId}")]
    public static partial void HeartbeatRecorded(this ILogger logger, string instanceId);

    [LoggerMessage(3012, LogLevel.Warning, "Heartbeat for instance {InstanceId} failed ({Error}); trying again at the next interval")]
    public static partial void HeartbeatFailed(this ILogger logger, string instanceId, string error);

    [LoggerMessage(3016, LogLevel.Debug, "Heartbeat for instance {InstanceId} failed while Auto Scaling does not answer ({Error}); trying again at the next interval")]
    public static partial void HeartbeatFailedDuringOutage(this ILogger logger, string instanceId, string error);

    [LoggerMessage(3013, LogLevel.Information, "Heartbeats for instance {InstanceId} stopped: the lifecycle action is gone")]
    public static partial void HeartbeatsActionGone(this ILogger logger, string instanceId);

    [LoggerMessage(3014, LogLevel.Error, "Heartbeats for instance {InstanceId} stopped: AWS refuses them")]
    public static partial void HeartbeatsRefused(this ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(3015, LogLevel.Warning, "Heartbeats for instance {InstanceId} stopped: the hook's global timeout passed at {Deadline:O}; Auto Scaling applies its default result {DefaultResult}")]
    public static partial void HeartbeatsPastGlobalTimeout(this ILogger logger, string instanceId, DateTimeOffset? deadline, string defaultResult);

    [LoggerMessage(3020, LogLevel.Warning, "Auto Scaling {ApiAction} {Subject} failed: {ErrorCode}, HTTP {StatusCode}, transient {IsTransient} (requestId {RequestId})")]
    public static partial void DescribeFailed(
        this ILogger logger, string apiAction, string subject, string errorCode, int statusCode, bool isTransient, string? requestId);

    [LoggerMessage(3021, LogLevel.Debug, "Auto Scaling described {GroupCount} group(s) with {InstanceCount} instance(s)")]
    public static partial void GroupsDescribed(this ILogger logger, int groupCount, int instanceCount);

    [LoggerMessage(3022, LogLevel.Debug, "Lifecycle hook {LifecycleHook} of group {AutoScalingGroup}: heartbeat timeout {HeartbeatTimeout}, global timeout {GlobalTimeout}, default result {DefaultResult}")]
    public static partial void HookDescribed(
        this ILogger logger, string autoScalingGroup, string lifecycleHook, TimeSpan heartbeatTimeout, TimeSpan globalTimeout, string? defaultResult);

    [LoggerMessage(3023, LogLevel.Warning, "Cannot read lifecycle hook {LifecycleHook} of group {AutoScalingGroup}; heartbeats every {FallbackInterval}, a third of the shortest heartbeat timeout AWS allows ({Error})")]
    public static partial void HookUnknown(this ILogger logger, string autoScalingGroup, string lifecycleHook, TimeSpan fallbackInterval, string error);

    [LoggerMessage(3024, LogLevel.Warning, "AutoScaling:HeartbeatInterval {Configured} is not shorter than the heartbeat timeout {HeartbeatTimeout} of hook {LifecycleHook} (group {AutoScalingGroup}); using {Derived} instead")]
    public static partial void ConfiguredIntervalTooLong(
        this ILogger logger, TimeSpan configured, TimeSpan heartbeatTimeout, string lifecycleHook, string autoScalingGroup, TimeSpan derived);

    [LoggerMessage(3025, LogLevel.Warning, "Lifecycle hook {LifecycleHook} of group {AutoScalingGroup} has default result CONTINUE: an instance whose provisioning outlives the hook goes into service unprovisioned")]
    public static partial void LaunchHookDefaultsToContinue(this ILogger logger, string autoScalingGroup, string lifecycleHook);
}
