namespace SaltApiBridge.Coordination.Local;

/// <summary>
/// Leases within one process, for a daemon without <c>Pipeline:LockDirectory</c>: the pipeline already orders work per
/// instance, so these keep its background tasks (owed key work) off an instance the pipeline works on.
/// </summary>
/// <param name="holder">This replica's name, as the status view lists its leases.</param>
public sealed class ProcessLeases(string? holder = null) : ILeases, ILeaseListing
{
    private readonly HeldKeys held = new(holder ?? Environment.MachineName);

    public Task<ILease?> TryAcquireAsync(LeaseKey key, CancellationToken cancellationToken) =>
        Task.FromResult<ILease?>(held.TryAdd(key) ? new HeldLease(key, held.Release(key)) : null);

    public Task<IReadOnlyList<LeaseInfo>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(held.List());
}
