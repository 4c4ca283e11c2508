namespace SaltApiBridge.Queue;

/// <summary>An in-flight message the <see cref="VisibilityKeeper"/> keeps invisible.</summary>
/// <param name="Until">Until when the keeper's last extension keeps it invisible; null before its first.</param>
internal sealed record KeptMessage(QueueMessage Message, DateTimeOffset? Until);
