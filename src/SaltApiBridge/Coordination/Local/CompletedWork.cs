namespace SaltApiBridge.Coordination.Local;

/// <summary>
/// Message ids and lifecycle action tokens whose work is finished, remembered for a window so that a duplicate
/// delivery (the same message again, or the same action through another path) is acknowledged without acting twice.
/// At most <paramref name="capacity"/> keys are kept (the oldest go first), so memory stays flat however many messages
/// pass within the window; duplicates arrive within minutes, far inside that.
/// </summary>
public sealed class CompletedWork(TimeSpan window, TimeProvider timeProvider, int capacity = CompletedWork.DefaultCapacity)
{
    public const int DefaultCapacity = 20_000;

    private readonly Dictionary<string, DateTimeOffset> expiries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset Expiry)> order = new();
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
                return expiries.Count;
        }
    }

    public bool Contains(string? key)
    {
        if (key is null)
            return false;
        lock (gate)
        {
            Prune();
            return expiries.ContainsKey(key);
        }
    }

    public void Add(string? key)
    {
        if (key is null)
            return;
        lock (gate)
        {
            Prune();
            var expiry = timeProvider.GetUtcNow() + window;
            expiries[key] = expiry;
            order.Enqueue((key, expiry));
            while (expiries.Count > capacity && order.TryDequeue(out var oldest))
            {
                // An entry whose key was added again later is stale: the newer one stays.
                if (expiries.TryGetValue(oldest.Key, out var current) && current == oldest.Expiry)
                    expiries.Remove(oldest.Key);
            }
        }
    }

    private void Prune()
    {
        var now = timeProvider.GetUtcNow();
        while (order.TryPeek(out var oldest) && oldest.Expiry <= now)
        {
            order.Dequeue();
            // A key added again later has a later expiry: keep it.
            if (expiries.TryGetValue(oldest.Key, out var expiry) && expiry <= now)
                expiries.Remove(oldest.Key);
        }
    }
}
