using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(6000, LogLevel.Critical, "The queue cannot be used: {Reason}. Stopping.")]
    public static partial void QueueUnavailable(ILogger logger, string reason);

    [LoggerMessage(6001, LogLevel.Information, "SaltApiBridge started: queue {Queue}, salt-api {SaltApi}, up to {MaxInFlight} messages in flight")]
    public static partial void Started(ILogger logger, string queue, string saltApi, int maxInFlight);

    [LoggerMessage(6002, LogLevel.Warning, "Cannot check AutoScaling:HeartbeatInterval against the hooks of group {Group} at start: {Reason}")]
    public static partial void HeartbeatCheckSkipped(ILogger logger, string group, string reason);
}
