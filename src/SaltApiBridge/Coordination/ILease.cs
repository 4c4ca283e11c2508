namespace SaltApiBridge.Coordination;

/// <summary>
/// A lease this replica holds, renewed in the background while it is held. Disposing it gives it back (best effort:
/// a lease not given back simply expires).
/// </summary>
public interface ILease : IAsyncDisposable
{
    LeaseKey Key { get; }

    /// <summary>
    /// Cancelled when this replica can no longer be sure it still holds the lease (it could not be renewed before it
    /// might have run out): the work stops before its next Salt or Auto Scaling call. Never cancelled for leases that
    /// cannot be lost (a lock file, a lease within one process).
    /// </summary>
    CancellationToken Lost { get; }
}
