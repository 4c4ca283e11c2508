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
        Message = "Auto Scaling {apiAction} for instance {instanceId} could not reach AWS")]
    public static partial void CallUnreachable(this ILogger logger, string apiAction, string instanceId, Exception exception);

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
}
