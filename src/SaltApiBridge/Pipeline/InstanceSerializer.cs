namespace SaltApiBridge.Pipeline;

/// <summary>
/// Runs work for one key (an instance) strictly in arrival order, and work for different keys concurrently.
/// A key's entry lives only while it has work, so memory does not grow with every instance ever seen — the trap of
/// a GroupBy whose groups never complete.
/// </summary>
public sealed class InstanceSerializer
{
    private readonly Dictionary<string, Task> tails = new(StringComparer.Ordinal);
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
        Task<T> task;
        lock (gate)
        {
            var previous = tails.GetValueOrDefault(key) ?? Task.CompletedTask;
            // The previous task never faults into this one: work after it runs whatever happened before.
            task = previous.ContinueWith(_ => work(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            tails[key] = task;
        }

        _ = task.ContinueWith(
            finished =>
            {
                lock (gate)
                {
                    if (tails.TryGetValue(key, out var tail) && tail == finished)
                        tails.Remove(key);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }
}
