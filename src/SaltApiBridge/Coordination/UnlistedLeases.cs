namespace SaltApiBridge.Coordination;

/// <summary>For leases that cannot list themselves (a test's, a store without a listing): none shown.</summary>
internal sealed class UnlistedLeases : ILeaseListing
{
    public Task<IReadOnlyList<LeaseInfo>> ListAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<LeaseInfo>>([]);
}
