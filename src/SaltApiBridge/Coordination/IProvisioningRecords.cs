namespace SaltApiBridge.Coordination;

/// <summary>The bridge's memory of each minion's provisioning (see <see cref="ProvisioningRecord"/>); one record per minion id.</summary>
public interface IProvisioningRecords
{
    /// <summary>False when records live in memory only: a restart forgets them, and reconcile cannot judge highstates.</summary>
    bool IsDurable { get; }

    Task<ProvisioningRecord?> GetAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the record if the stored one is still <see cref="ProvisioningRecord.Version"/> (0: none stored), and
    /// returns it with its new version. Throws <see cref="RecordConflictException"/> when another writer got there first.
    /// </summary>
    Task<ProvisioningRecord> SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken);

    /// <summary>Forgets the minion (its key was deleted everywhere). Forgetting an unknown minion is success.</summary>
    Task RemoveAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>Every record (reconcile).</summary>
    Task<IReadOnlyList<ProvisioningRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records of lifecycle actions in progress (<see cref="ProvisioningRecord.InProgress"/>) that nobody attends: their
    /// holder's lease ran out without being given back (it died), or — one host's store — every one, asked at start,
    /// when this host's earlier process is gone. At most <paramref name="limit"/>; a bounded read, never the whole fleet.
    /// </summary>
    Task<IReadOnlyList<ProvisioningRecord>> ListUnattendedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Records with key work owed to a master (<see cref="ProvisioningRecord.OwedAccepts"/> or <see cref="ProvisioningRecord.OwedDeletes"/>).</summary>
    Task<IReadOnlyList<ProvisioningRecord>> ListOwedAsync(CancellationToken cancellationToken);
}
