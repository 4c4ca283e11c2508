using Microsoft.Extensions.Logging;

namespace SaltApiBridge.AutoScaling;

/// <summary>Log lines of the Auto Scaling part. Tokens never appear: actions are named by group, hook and instance.</summary>
internal static partial class AutoScalingLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug,
        Message = "Auto Scaling {apiAction} accepted for instance {instanceId} (group {autoScalingGroup}, hook {lifecycleHook}, requestId {requestId})")]
    public static partial void CallAccepted(
        this ILogger logger, string apiAction, string instanceId, string autoScalingGroup, string lifecycleHook, string? requestId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Auto Scaling {apiAction}: no active lifecycle action for instance {instanceId} (group {autoScalingGroup}, hook {lifecycleHook}); it timed out or was completed elsewhere (requestId {requestId})")]
    public static partial void ActionGone(
        this ILogger logger, string apiAction, string instanceId, string autoScalingGroup, string lifecycleHook, string? requestId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
        Message = "Auto Scaling {apiAction} for instance {instanceId} failed: {errorCode}, HTTP {statusCode}, transient {isTransient} (requestId {requestId})")]
    public static partial void CallFailed(
        this ILogger logger, string apiAction, string instanceId, string errorCode, int statusCode, bool isTransient, string? requestId);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Auto Scaling {apiAction} {subject} could not reach AWS")]
    public static partial void CallUnreachable(this ILogger logger, string apiAction, string subject, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Retrying an Auto Scaling call, attempt {attempt} after {delay}: {reason}")]
    public static partial void Retrying(this ILogger logger, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Debug,
        Message = "Heartbeats for instance {instanceId} started every {interval}")]
    public static partial void HeartbeatsStarted(this ILogger logger, string instanceId, TimeSpan interval);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug,
        Message = "Heartbeat recorded for instance {instanceId}")]
    public static partial void HeartbeatRecorded(this ILogger logger, string instanceId);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning,
        Message = "Heartbeat for instance {instanceId} failed; trying again at the next interval")]
    public static partial void HeartbeatFailed(this ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information,
        Message = "Heartbeats for instance {instanceId} stopped: the lifecycle action is gone")]
    public static partial void HeartbeatsActionGone(this ILogger logger, string instanceId);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Error,
        Message = "Heartbeats for instance {instanceId} stopped: AWS refuses them")]
    public static partial void HeartbeatsRefused(this ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Warning,
        Message = "Heartbeats for instance {instanceId} stopped: the hook's global timeout passed at {deadline:O}; Auto Scaling applies its default result {defaultResult}")]
    public static partial void HeartbeatsPastGlobalTimeout(this ILogger logger, string instanceId, DateTimeOffset? deadline, string defaultResult);

    [LoggerMessage(EventId = 3020, Level = LogLevel.Warning,
        Message = "Auto Scaling {apiAction} {subject} failed: {errorCode}, HTTP {statusCode}, transient {isTransient} (requestId {requestId})")]
    public static partial void DescribeFailed(
        this ILogger logger, string apiAction, string subject, string errorCode, int statusCode, bool isTransient, string? requestId);

    [LoggerMessage(EventId = 3021, Level = LogLevel.Debug,
        Message = "Auto Scaling described {groupCount} group(s) with {instanceCount} instance(s)")]
    public static partial void GroupsDescribed(this ILogger logger, int groupCount, int instanceCount);

    [LoggerMessage(EventId = 3022, Level = LogLevel.Debug,
        Message = "Lifecycle hook {lifecycleHook} of group {autoScalingGroup}: heartbeat timeout {heartbeatTimeout}, global timeout {globalTimeout}, default result {defaultResult}")]
    public static partial void HookDescribed(
        this ILogger logger, string autoScalingGroup, string lifecycleHook, TimeSpan heartbeatTimeout, TimeSpan globalTimeout, string? defaultResult);

    [LoggerMessage(EventId = 3023, Level = LogLevel.Warning,
        Message = "Cannot read lifecycle hook {lifecycleHook} of group {autoScalingGroup}; heartbeats every {fallbackInterval}, a third of the shortest heartbeat timeout AWS allows")]
    public static partial void HookUnknown(this ILogger logger, string autoScalingGroup, string lifecycleHook, TimeSpan fallbackInterval, Exception? exception);

    [LoggerMessage(EventId = 3024, Level = LogLevel.Warning,
        Message = "AutoScaling:HeartbeatInterval {configured} is not shorter than the heartbeat timeout {heartbeatTimeout} of hook {lifecycleHook} (group {autoScalingGroup}); using {derived} instead")]
    public static partial void ConfiguredIntervalTooLong(
        this ILogger logger, TimeSpan configured, TimeSpan heartbeatTimeout, string lifecycleHook, string autoScalingGroup, TimeSpan derived);

    [LoggerMessage(EventId = 3025, Level = LogLevel.Warning,
        Message = "Lifecycle hook {lifecycleHook} of group {autoScalingGroup} has default result CONTINUE: an instance whose provisioning outlives the hook goes into service unprovisioned")]
    public static partial void LaunchHookDefaultsToContinue(this ILogger logger, string autoScalingGroup, string lifecycleHook);
}
