namespace SaltApiBridge.Coordination.Local;

/// <summary>A lease that cannot be lost while held (a lock file, a lease within one process); disposing it releases it.</summary>
internal sealed class HeldLease(LeaseKey key, IDisposable release) : ILease
{
    public LeaseKey Key { get; } = key;

    public CancellationToken Lost => CancellationToken.None;

    public ValueTask DisposeAsync()
    {
        release.Dispose();
        return ValueTask.CompletedTask;
    }
}
