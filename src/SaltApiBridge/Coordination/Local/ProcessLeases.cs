using System.Collections.Concurrent;

namespace SaltApiBridge.Coordination.Local;

/// <summary>
/// Leases within one process, for a daemon without <c>Pipeline:LockDirectory</c>: the pipeline already orders work per
/// instance, so these keep its background tasks (owed key work) off an instance the pipeline works on.
/// </summary>
public sealed class ProcessLeases : ILeases
{
    private readonly ConcurrentDictionary<LeaseKey, byte> held = new();

    public Task<ILease?> TryAcquireAsync(LeaseKey key, CancellationToken cancellationToken) =>
        Task.FromResult<ILease?>(held.TryAdd(key, 0) ? new HeldLease(key, new Release(held, key)) : null);

    private sealed class Release(ConcurrentDictionary<LeaseKey, byte> held, LeaseKey key) : IDisposable
    {
        public void Dispose() => held.TryRemove(key, out _);
    }
}
