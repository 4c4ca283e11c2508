namespace SaltApiBridge.Queue;

/// <summary>The queue's depth and its dead-letter queue's (null without a RedrivePolicy), read at <paramref name="At"/>.</summary>
public sealed record QueueDepths(QueueDepth Main, QueueDepth? DeadLetter, DateTimeOffset At);
