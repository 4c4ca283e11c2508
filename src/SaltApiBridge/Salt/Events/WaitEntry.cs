namespace SaltApiBridge.Salt.Events;

/// <summary>One awaited event shared by every registration for it; removed when the last one lets go.</summary>
internal sealed class WaitEntry<T>(string? jid)
{
    public TaskCompletionSource<T> Source { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? Jid => jid;

    public int Holders { get; set; }
}
