using System.Collections.Concurrent;

namespace SaltApiBridge.Coordination.Local;

/// <summary>The leases this process holds, for <see cref="ILeaseListing"/>: added when taken, removed when given back.</summary>
internal sealed class HeldKeys(string holder)
{
    private readonly ConcurrentDictionary<LeaseKey, byte> held = new();

    /// <summary>Takes <paramref name="key"/> when no one in this process holds it.</summary>
    public bool TryAdd(LeaseKey key) => held.TryAdd(key, 0);

    public void Remove(LeaseKey key) => held.TryRemove(key, out _);

    public IReadOnlyList<LeaseInfo> List() => [.. held.Keys.Select(k => LeaseInfo.Of(k, holder)).OrderBy(l => l.Kind, StringComparer.Ordinal).ThenBy(l => l.Name, StringComparer.Ordinal)];

    /// <summary>Gives <paramref name="key"/> back when disposed, after <paramref name="inner"/> (the lock file, if any).</summary>
    public IDisposable Release(LeaseKey key, IDisposable? inner = null) => new Releaser(this, key, inner);

    private sealed class Releaser(HeldKeys keys, LeaseKey key, IDisposable? inner) : IDisposable
    {
        public void Dispose()
        {
            inner?.Dispose();
            keys.Remove(key);
        }
    }
}
