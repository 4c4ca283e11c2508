namespace SaltApiBridge.Coordination;

/// <summary>
/// The leases held now, for the status view (<c>saltapibridge status</c>): every replica's where the store can say
/// (DynamoDB), else those of this process (a lock file or a lease within one process shows only to its holder).
/// </summary>
public interface ILeaseListing
{
    /// <summary>A bounded read. Throws <see cref="CoordinationStoreException"/> when the store cannot answer.</summary>
    Task<IReadOnlyList<LeaseInfo>> ListAsync(CancellationToken cancellationToken);
}
