namespace SaltApiBridge.Salt.Events;

/// <summary>
/// One awaited event shared by every registration for it; removed when the last one lets go. <see cref="CoveredFrom"/>:
/// the stream's live generation when it was first registered (-1: the stream was not live then).
/// </summary>
internal sealed class WaitEntry<T>(string? jid, long coveredFrom)
{
    public long CoveredFrom => coveredFrom;

    public TaskCompletionSource<T> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? Jid => jid;

    public int Holders { get; set; }
}
