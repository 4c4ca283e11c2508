namespace SaltApiBridge.Salt.Events;

/// <summary>
/// A registration for one event, taken BEFORE the action that causes it. <see cref="Task"/> completes when the event
/// arrives (it never faults or cancels: the caller bounds the wait). Dispose to stop waiting.
/// </summary>
internal sealed class SaltEventWaiter<T>(Task<T> task, bool joined, long coveredFrom, Action release) : IDisposable
{
    private Action? _release = release;

    public Task<T> Task => task;

    public bool IsCompleted => task.IsCompleted;

    /// <summary>This registration joined one taken earlier (e.g. before the publish), so nothing was missed before it.</summary>
    public bool Joined => joined;

    /// <summary>
    /// The stream's live generation when the first registration for this event was taken (-1: not live then): while
    /// <see cref="SaltEventWaiters.LiveGeneration"/> still equals it, no event since then can have been missed.
    /// </summary>
    public long CoveredFrom => coveredFrom;

    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
