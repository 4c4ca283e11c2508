namespace SaltApiBridge.Queue;

/// <summary>One received SQS message.</summary>
/// <param name="ReceiveCount">ApproximateReceiveCount: 1 on first delivery; used to back off redeliveries.</param>
/// <param name="InvisibleUntil">
/// Until when its receive keeps it invisible, counted from before the call (SQS starts the timeout later, never
/// earlier); null when the receive granted no visibility of its own (the queue's default applies, not known here).
/// </param>
public sealed record QueueMessage(string MessageId, string ReceiptHandle, string Body, int ReceiveCount, DateTimeOffset? InvisibleUntil = null);
