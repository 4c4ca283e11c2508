using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>An Auto Scaling API that completes every action at once and counts completions.</summary>
internal sealed class InstantLifecycleActions : ILifecycleActionClient
{
    private int completions;

    public int Completions => Volatile.Read(ref completions);

    public Task<LifecycleActionOutcome> CompleteAsync(LifecycleActionIdentity action, LifecycleActionResult result, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref completions);
        return Task.FromResult(LifecycleActionOutcome.Done);
    }

    public Task<LifecycleActionOutcome> RecordHeartbeatAsync(LifecycleActionIdentity action, CancellationToken cancellationToken) =>
        Task.FromResult(LifecycleActionOutcome.Done);
}
