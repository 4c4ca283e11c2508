using SaltApiBridge.Coordination;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Leases that are always granted, can be lost on cue, or come from a store that does not answer.</summary>
internal sealed class ScriptedLeases : ILeases, IDisposable
{
    private readonly CancellationTokenSource lost = new();

    /// <summary>Thrown by every acquire when set: the store cannot be reached.</summary>
    public CoordinationStoreException? Unavailable { get; set; }

    public int Acquired { get; private set; }

    public void LoseAll() => lost.Cancel();

    public Task<ILease?> TryAcquireAsync(LeaseKey key, CancellationToken cancellationToken)
    {
        if (Unavailable is { } failure)
            throw failure;
        Acquired++;
        return Task.FromResult<ILease?>(new Lease(key, lost.Token));
    }

    public void Dispose() => lost.Dispose();

    private sealed class Lease(LeaseKey key, CancellationToken lost) : ILease
    {
        public LeaseKey Key { get; } = key;

        public CancellationToken Lost { get; } = lost;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
