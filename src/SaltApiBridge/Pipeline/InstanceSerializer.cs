namespace SaltApiBridge.Pipeline;

/// <summary>
/// Runs work for one key (an instance) strictly in arrival order, and work for different keys concurrently.
/// A key's entry lives only while it has work, so memory does not grow with every instance ever seen — the trap of
/// a GroupBy whose groups never complete.
/// </summary>
public sealed class InstanceSerializer
{
    /// <summary>Per key with work: the last work queued (the next one waits for it) and how many are queued or running.</summary>
    private readonly Dictionary<string, (Task Last, int Pending)> tails = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>Keys with work queued or running.</summary>
    public int ActiveKeys
    {
        get
        {
            lock (gate)
                return tails.Count;
        }
    }

    public Task<T> RunAsync<T>(string key, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (gate)
        {
            var (last, pending) = tails.GetValueOrDefault(key);
            // Yields before running anything, so no work runs under the lock (nor on the caller's thread).
            var task = RunInTurnAsync(key, last, work);
            tails[key] = (task, pending + 1);
            return task;
        }
    }

    /// <summary>One async method per piece of work, no continuation tasks: a daemon may hold a thousand of these.</summary>
    private async Task<T> RunInTurnAsync<T>(string key, Task? previous, Func<Task<T>> work)
    {
        try
        {
            // The previous work never faults into this one: work after it runs whatever happened before.
            await (previous ?? Task.CompletedTask).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
            return await work();
        }
        finally
        {
            lock (gate)
            {
                // The entry goes with the key's last work, before its task completes.
                var (last, pending) = tails[key];
                if (pending == 1)
                    tails.Remove(key);
                else
                    tails[key] = (last, pending - 1);
            }
        }
    }
}
