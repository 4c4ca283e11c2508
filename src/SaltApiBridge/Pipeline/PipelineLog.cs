using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Pipeline;

internal static partial class PipelineLog
{
    private static readonly Func<ILogger, string, string, string, IDisposable?> Work =
        LoggerMessage.DefineScope<string, string, string>("instance {InstanceId} minion {MinionId} message {MessageId}");

    /// <summary>
    /// Around each piece of instance work: every line logged within carries its instance, minion and message (or
    /// takeover) ids, so one action's lines are found together (the JSON console prints scopes; the plain ones do not,
    /// their lines already name instance and minion).
    /// </summary>
    public static IDisposable? WorkScope(ILogger logger, string instanceId, string minionId, string messageId) =>
        Work(logger, instanceId, minionId, messageId);

    [LoggerMessage(2000, LogLevel.Warning, "Rejected message {MessageId}: {Reason}")]
    public static partial void Rejected(ILogger logger, string messageId, string reason);

    [LoggerMessage(2001, LogLevel.Information, "Acknowledged message {MessageId} ({Kind}): {Reason}")]
    public static partial void Acknowledged(ILogger logger, string messageId, string kind, string reason);

    [LoggerMessage(2002, LogLevel.Information, "Message {MessageId} for {InstanceId} is a duplicate of finished work; deleting it")]
    public static partial void Duplicate(ILogger logger, string messageId, string instanceId);

    [LoggerMessage(2003, LogLevel.Information, "{Kind} {InstanceId} as {MinionId}: starting (message {MessageId}, receive {ReceiveCount})")]
    public static partial void WorkStarting(ILogger logger, string kind, string instanceId, string minionId, string messageId, int receiveCount);

    [LoggerMessage(2004, LogLevel.Information, "{Kind} {InstanceId} as {MinionId}: {Summary}")]
    public static partial void WorkFinished(ILogger logger, string kind, string instanceId, string minionId, string summary);

    [LoggerMessage(2005, LogLevel.Warning, "{Kind} {InstanceId} as {MinionId} (message {MessageId}, receive {ReceiveCount}) will be retried in {Delay}: {Summary}")]
    public static partial void WorkRetrying(ILogger logger, string kind, string instanceId, string minionId, string messageId, int receiveCount, TimeSpan delay, string summary);

    [LoggerMessage(2009, LogLevel.Critical, "Unexpected failure for {InstanceId} as {MinionId}; the message is left for redelivery")]
    public static partial void UnexpectedFailure(ILogger logger, string instanceId, string minionId, Exception exception);

    [LoggerMessage(2019, LogLevel.Information, "Another replica is working on {MinionId}; message {MessageId} retried in {Delay}")]
    public static partial void InstanceLocked(ILogger logger, string minionId, string messageId, TimeSpan delay);

    [LoggerMessage(2030, LogLevel.Warning, "The coordination store cannot be used for {InstanceId} ({Source}): {Error}; the work waits")]
    public static partial void StoreUnavailable(ILogger logger, string instanceId, string source, string error);

    [LoggerMessage(2031, LogLevel.Warning, "Lost the lease on {MinionId} ({InstanceId}): it could not be renewed in time; stopped before the next call, the work is decided again when its message comes back")]
    public static partial void LeaseLost(ILogger logger, string instanceId, string minionId);

    [LoggerMessage(2032, LogLevel.Warning, "Taking over {Kind} {InstanceId} as {MinionId} from {Replica}: its lease ran out with the action in progress")]
    public static partial void TakingOver(ILogger logger, string kind, string instanceId, string minionId, string replica);

    [LoggerMessage(2033, LogLevel.Warning, "Cannot take over the action in progress of {InstanceId} as {MinionId}: {Reason}; its message decides")]
    public static partial void TakeoverImpossible(ILogger logger, string instanceId, string minionId, string reason);

    [LoggerMessage(2034, LogLevel.Information, "Takeover of {InstanceId} as {MinionId} ended: {Result}: {Summary}")]
    public static partial void TakeoverEnded(ILogger logger, string instanceId, string minionId, string result, string summary);

    [LoggerMessage(2035, LogLevel.Debug, "Looking for unattended lifecycle actions failed: {Error}")]
    public static partial void UnattendedLookFailed(ILogger logger, string error);

    [LoggerMessage(2036, LogLevel.Information, "{Kind} {InstanceId} as {MinionId}: resuming from its record, without its message")]
    public static partial void WorkResuming(ILogger logger, string kind, string instanceId, string minionId);

    [LoggerMessage(2020, LogLevel.Information, "Stopped polling; waiting up to {DrainTimeout} for {InFlight} in-flight messages")]
    public static partial void Draining(ILogger logger, TimeSpan drainTimeout, int inFlight);

    [LoggerMessage(2021, LogLevel.Warning, "Drain timeout reached; releasing {InFlight} in-flight messages to other replicas")]
    public static partial void DrainTimedOut(ILogger logger, int inFlight);
}
