using SaltApiBridge.Coordination;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Leases of another store, counting what was asked of it: tests wait on the count instead of on time.</summary>
internal sealed class CountingLeases(ILeases inner) : ILeases
{
    private int asked;
    private int refused;

    public int Asked => Volatile.Read(ref asked);

    public int Refused => Volatile.Read(ref refused);

    public async Task<ILease?> TryAcquireAsync(LeaseKey key, CancellationToken cancellationToken)
    {
        var lease = await inner.TryAcquireAsync(key, cancellationToken);
        if (lease is null)
            Interlocked.Increment(ref refused);
        Interlocked.Increment(ref asked);
        return lease;
    }
}
