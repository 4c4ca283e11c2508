namespace SaltApiBridge.Queue;

/// <summary>An in-flight message the <see cref="VisibilityKeeper"/> keeps invisible.</summary>
/// <param name="Until">Until when the last grant (its receive's or the keeper's) keeps it invisible; null while not known.</param>
internal sealed record KeptMessage(QueueMessage Message, DateTimeOffset? Until);
