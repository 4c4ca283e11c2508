using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(6000, LogLevel.Critical, "The queue cannot be used: {Reason}. Stopping.")]
    public static partial void QueueUnavailable(ILogger logger, string reason);

    [LoggerMessage(6001, LogLevel.Information, "SaltApiBridge {Version} starting: queue {Queue}; masters {Masters}; groups {Groups}; records {Records}")]
    public static partial void Starting(ILogger logger, string version, string queue, string masters, string groups, string records);

    [LoggerMessage(6003, LogLevel.Critical, "Cannot start: {Reason}. Stopping.")]
    public static partial void CannotStart(ILogger logger, string reason);

    [LoggerMessage(6004, LogLevel.Critical, "Invalid configuration: {Problem}")]
    public static partial void InvalidConfiguration(ILogger logger, string problem);

    [LoggerMessage(6005, LogLevel.Warning, "The lifecycle hooks could not be read within {Timeout}; AutoScaling:HeartbeatInterval is checked per action instead")]
    public static partial void HookCheckTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(6006, LogLevel.Critical, "{Service} failed; stopping")]
    public static partial void ServiceFailed(ILogger logger, string service, Exception exception);

    [LoggerMessage(6007, LogLevel.Debug, "Memory given back after a burst: the collector held {CommittedMb} MB for {ObjectMb} MB of objects, now {TrimmedMb} MB ({ElapsedMs:F0} ms)")]
    public static partial void HeapTrimmed(ILogger logger, long committedMb, long objectMb, long trimmedMb, double elapsedMs);

    [LoggerMessage(6002, LogLevel.Warning, "Cannot check AutoScaling:HeartbeatInterval against the hooks of group {Group} at start: {Reason}")]
    public static partial void HeartbeatCheckSkipped(ILogger logger, string group, string reason);
}
