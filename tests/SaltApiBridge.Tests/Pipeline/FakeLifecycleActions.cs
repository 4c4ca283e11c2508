using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Records completions and heartbeats; answers Done unless scripted.</summary>
internal sealed class FakeLifecycleActions(CallLog log) : ILifecycleActionClient
{
    public Func<LifecycleActionIdentity, Task<LifecycleActionOutcome>> Complete { get; set; } = _ => Task.FromResult(LifecycleActionOutcome.Done);

    public Task<LifecycleActionOutcome> CompleteAsync(LifecycleActionIdentity action, LifecycleActionResult result, CancellationToken cancellationToken)
    {
        log.Add($"complete {action.InstanceId} {result} {action.LifecycleActionToken}");
        return Complete(action);
    }

    public Task<LifecycleActionOutcome> RecordHeartbeatAsync(LifecycleActionIdentity action, CancellationToken cancellationToken)
    {
        log.Add($"heartbeat {action.InstanceId}");
        return Task.FromResult(LifecycleActionOutcome.Done);
    }
}
