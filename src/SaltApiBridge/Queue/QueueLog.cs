using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Queue;

/// <summary>
/// The queue's log lines. A call SQS did not answer is Debug: the outage is one warning of its own
/// (<see cref="Hosting.DependencyOutages"/>, told by <see cref="SqsMessageQueue"/>), saying what happens meanwhile.
/// </summary>
internal static partial class QueueLog
{
    [LoggerMessage(1000, LogLevel.Information, "Resolved SQS queue {QueueName} to {QueueUrl}")]
    public static partial void QueueResolved(ILogger logger, string queueName, string queueUrl);

    [LoggerMessage(1001, LogLevel.Warning, "SQS did not delete message {MessageId}: {Code} {Reason}; it will be redelivered and recognised as done")]
    public static partial void DeleteFailed(ILogger logger, string messageId, string? code, string? reason);

    [LoggerMessage(1002, LogLevel.Warning, "SQS did not change the visibility of message {MessageId}: {Code} {Reason}")]
    public static partial void VisibilityChangeFailed(ILogger logger, string messageId, string? code, string? reason);

    [LoggerMessage(1003, LogLevel.Debug, "Receiving from SQS failed ({Error}); polling again in {Delay}")]
    public static partial void ReceiveFailed(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(1004, LogLevel.Debug, "Deleting {Count} messages failed ({Error}); they will be redelivered and recognised as done")]
    public static partial void DeleteBatchFailed(ILogger logger, int count, string error);

    [LoggerMessage(1005, LogLevel.Debug, "Extending the visibility of {Count} in-flight messages failed ({Error})")]
    public static partial void ExtendFailed(ILogger logger, int count, string error);

    [LoggerMessage(1006, LogLevel.Debug, "Releasing {Count} messages failed ({Error}); they become visible when their visibility timeout ends")]
    public static partial void ReleaseFailed(ILogger logger, int count, string error);

    [LoggerMessage(1007, LogLevel.Debug, "Cannot read the depth of the queue: {Error}; keeping the last one")]
    public static partial void DepthUnknown(ILogger logger, string error);

    [LoggerMessage(1008, LogLevel.Warning, "The depth of the dead-letter queue cannot be read ({Error}); only the queue's own depth is exported")]
    public static partial void DeadLetterQueueUnknown(ILogger logger, string error);
}
