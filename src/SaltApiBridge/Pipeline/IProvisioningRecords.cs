namespace SaltApiBridge.Pipeline;

/// <summary>The bridge's memory of each minion's provisioning (see <see cref="ProvisioningRecord"/>); one record per minion id.</summary>
public interface IProvisioningRecords
{
    /// <summary>False when records live in memory only: a restart forgets them, and reconcile cannot judge highstates.</summary>
    bool IsDurable { get; }

    Task<ProvisioningRecord?> GetAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>Replaces the minion's record.</summary>
    Task SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken);

    /// <summary>Forgets the minion (its key was deleted). Forgetting an unknown minion is success.</summary>
    Task RemoveAsync(string minionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ProvisioningRecord>> ListAsync(CancellationToken cancellationToken);
}
