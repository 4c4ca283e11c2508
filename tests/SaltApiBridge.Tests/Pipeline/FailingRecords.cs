using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Records in memory, whose saves fail as an unreachable store would while <see cref="FailSave"/> says so.</summary>
internal sealed class FailingRecords : IProvisioningRecords
{
    private readonly InMemoryProvisioningRecords inner = new();

    /// <summary>Which saves fail (the store does not answer); none by default.</summary>
    public Func<ProvisioningRecord, bool> FailSave { get; set; } = _ => false;

    public bool IsDurable => true;

    public Task<ProvisioningRecord?> GetAsync(string minionId, CancellationToken cancellationToken) => inner.GetAsync(minionId, cancellationToken);

    public Task<ProvisioningRecord> SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken) =>
        FailSave(record) ? throw new CoordinationStoreException("the coordination store did not answer (connection refused)", isTransient: true) : inner.SaveAsync(record, cancellationToken);

    public Task RemoveAsync(string minionId, CancellationToken cancellationToken) => inner.RemoveAsync(minionId, cancellationToken);

    public Task<IReadOnlyList<ProvisioningRecord>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task<IReadOnlyList<ProvisioningRecord>> ListUnattendedAsync(int limit, CancellationToken cancellationToken) => inner.ListUnattendedAsync(limit, cancellationToken);

    public Task<IReadOnlyList<ProvisioningRecord>> ListOwedAsync(CancellationToken cancellationToken) => inner.ListOwedAsync(cancellationToken);
}
