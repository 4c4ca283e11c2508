namespace SaltApiBridge.Queue;

/// <summary>The messages of one queue by state, as SQS counts them (approximately) in GetQueueAttributes.</summary>
public sealed record QueueDepth(long Visible, long InFlight, long Delayed);
