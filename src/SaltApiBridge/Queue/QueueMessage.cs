namespace SaltApiBridge.Queue;

/// <summary>One received SQS message.</summary>
/// <param name="ReceiveCount">ApproximateReceiveCount: 1 on first delivery; used to back off redeliveries.</param>
public sealed record QueueMessage(string MessageId, string ReceiptHandle, string Body, int ReceiveCount);
