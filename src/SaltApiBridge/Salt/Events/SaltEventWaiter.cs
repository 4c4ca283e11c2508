namespace SaltApiBridge.Salt.Events;

/// <summary>
/// A registration for one event, taken BEFORE the action that causes it. <see cref="Task"/> completes when the event
/// arrives (it never faults or cancels: the caller bounds the wait). Dispose to stop waiting. It holds its entry and
/// where that entry is kept itself (no closure, no delegate): thousands are held at once while highstates run.
/// </summary>
internal sealed class SaltEventWaiter<T>(
    SaltEventWaiters owner, Dictionary<string, WaitEntry<T>> entries, string key, WaitEntry<T> entry, bool joined) : IDisposable
{
    private int _released;

    public Task<T> Task => entry.Source.Task;

    public bool IsCompleted => entry.Source.Task.IsCompleted;

    /// <summary>This registration joined one taken earlier (e.g. before the publish), so nothing was missed before it.</summary>
    public bool Joined => joined;

    /// <summary>
    /// The stream's live generation when the first registration for this event was taken (-1: not live then): while
    /// <see cref="SaltEventWaiters.LiveGeneration"/> still equals it, no event since then can have been missed.
    /// </summary>
    public long CoveredFrom => entry.CoveredFrom;

    /// <summary>Whether this registration of <paramref name="waiters"/> still waits for the event tagged <c>{prefix}{middle}{infix}{suffix}</c> (compared in parts, no tag built).</summary>
    public bool Awaits(SaltEventWaiters waiters, string prefix, string middle, string infix, string suffix)
    {
        if (!ReferenceEquals(owner, waiters) || Volatile.Read(ref _released) != 0)
        {
            return false;
        }

        var rest = key.AsSpan();
        return Skip(ref rest, prefix) && Skip(ref rest, middle) && Skip(ref rest, infix) && rest.SequenceEqual(suffix);

        static bool Skip(ref ReadOnlySpan<char> rest, string part)
        {
            if (!rest.StartsWith(part, StringComparison.Ordinal))
            {
                return false;
            }

            rest = rest[part.Length..];
            return true;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            owner.Release(entries, key, entry);
        }
    }
}
