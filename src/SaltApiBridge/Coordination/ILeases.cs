namespace SaltApiBridge.Coordination;

/// <summary>
/// Who works on what now: one lease per minion id (a lifecycle action's steps) and one per named task (owed key work,
/// the periodic reconcile), so that replicas never act on one instance, or run one task, at the same time.
/// </summary>
public interface ILeases
{
    /// <summary>
    /// Takes the lease for this replica when it is free, expired, or already this replica's; null when another holder
    /// has it (the caller tries later; never an error). Throws <see cref="CoordinationStoreException"/> when the store
    /// cannot answer: no work starts then.
    /// </summary>
    Task<ILease?> TryAcquireAsync(LeaseKey key, CancellationToken cancellationToken);
}
