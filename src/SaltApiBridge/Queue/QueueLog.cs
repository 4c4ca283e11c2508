using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Queue;

internal static partial class QueueLog
{
    [LoggerMessage(1000, LogLevel.Information, "Resolved SQS queue {QueueName} to {QueueUrl}")]
    public static partial void QueueResolved(ILogger logger, string queueName, string queueUrl);

    [LoggerMessage(1001, LogLevel.Warning, "SQS did not delete message {MessageId}: {Code} {Reason}; it will be redelivered and recognised as done")]
    public static partial void DeleteFailed(ILogger logger, string messageId, string? code, string? reason);

    [LoggerMessage(1002, LogLevel.Warning, "SQS did not change the visibility of message {MessageId}: {Code} {Reason}")]
    public static partial void VisibilityChangeFailed(ILogger logger, string messageId, string? code, string? reason);

    [LoggerMessage(1003, LogLevel.Warning, "Receiving from SQS failed ({Error}); polling again in {Delay}")]
    public static partial void ReceiveFailed(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(1004, LogLevel.Warning, "Deleting {Count} messages failed ({Error}); they will be redelivered and recognised as done")]
    public static partial void DeleteBatchFailed(ILogger logger, int count, string error);

    [LoggerMessage(1005, LogLevel.Warning, "Extending the visibility of {Count} in-flight messages failed ({Error})")]
    public static partial void ExtendFailed(ILogger logger, int count, string error);

    [LoggerMessage(1006, LogLevel.Warning, "Releasing {Count} messages failed ({Error}); they become visible when their visibility timeout ends")]
    public static partial void ReleaseFailed(ILogger logger, int count, string error);
}
