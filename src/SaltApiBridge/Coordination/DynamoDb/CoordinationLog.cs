using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Coordination.DynamoDb;

internal static partial class CoordinationLog
{
    [LoggerMessage(7000, LogLevel.Warning, "Lease on {Lease} lost: {Reason}; the work on it stops before its next Salt or Auto Scaling call")]
    public static partial void LeaseLost(ILogger logger, string lease, string reason);

    [LoggerMessage(7001, LogLevel.Debug, "Renewing the lease on {Lease} failed: {Error}; trying again in {Retry}")]
    public static partial void RenewFailed(ILogger logger, string lease, string error, TimeSpan retry);

    [LoggerMessage(7002, LogLevel.Debug, "Giving back the lease on {Lease} failed: {Error}; it runs out by itself")]
    public static partial void ReleaseFailed(ILogger logger, string lease, string error);
}
