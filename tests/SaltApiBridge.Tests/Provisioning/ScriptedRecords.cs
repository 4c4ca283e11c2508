using System.Collections.Concurrent;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>
/// Provisioning records of another store (in memory by default) that fail on cue — a local disk refusing, a version
/// conflict, a store that does not answer — and count their writes.
/// </summary>
internal sealed class ScriptedRecords(IProvisioningRecords? inner = null, bool? durable = null) : IProvisioningRecords
{
    private readonly IProvisioningRecords inner = inner ?? new InMemoryProvisioningRecords();
    private int saves;

    /// <summary>Thrown by reads when it returns an exception.</summary>
    public Func<string, Exception?> GetFailure { get; set; } = _ => null;

    /// <summary>Thrown by writes of the record when it returns an exception.</summary>
    public Func<ProvisioningRecord, Exception?> SaveFailure { get; set; } = _ => null;

    /// <summary>Thrown by removals when it returns an exception.</summary>
    public Func<string, Exception?> RemoveFailure { get; set; } = _ => null;

    /// <summary>Writes that reached the store (failed ones included).</summary>
    public int Saves => Volatile.Read(ref saves);

    /// <summary>The limit of each look for unattended actions, in order.</summary>
    public ConcurrentQueue<int> UnattendedLimits { get; } = new();

    public bool IsDurable => durable ?? inner.IsDurable;

    public Task<ProvisioningRecord?> GetAsync(string minionId, CancellationToken cancellationToken) =>
        GetFailure(minionId) is { } failure ? throw failure : inner.GetAsync(minionId, cancellationToken);

    public Task<ProvisioningRecord> SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref saves);
        return SaveFailure(record) is { } failure ? throw failure : inner.SaveAsync(record, cancellationToken);
    }

    public Task RemoveAsync(string minionId, CancellationToken cancellationToken) =>
        RemoveFailure(minionId) is { } failure ? throw failure : inner.RemoveAsync(minionId, cancellationToken);

    public Task<IReadOnlyList<ProvisioningRecord>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task<IReadOnlyList<ProvisioningRecord>> ListUnattendedAsync(int limit, CancellationToken cancellationToken)
    {
        UnattendedLimits.Enqueue(limit);
        return inner.ListUnattendedAsync(limit, cancellationToken);
    }

    public Task<IReadOnlyList<ProvisioningRecord>> ListOwedAsync(CancellationToken cancellationToken) => inner.ListOwedAsync(cancellationToken);
}
