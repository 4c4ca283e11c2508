using System.Collections.Concurrent;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>
/// Auto Scaling's describes, scripted: every instance waits in <see cref="DefaultGroup"/> (or the group it was set in)
/// in Pending:Wait unless set otherwise; every group has a launch and a terminate hook with a 300 s heartbeat timeout.
/// </summary>
internal sealed class FakeAutoScalingInventory : IAutoScalingInventory
{
    private readonly ConcurrentDictionary<string, AutoScalingInstance?> instances = new();
    private readonly ConcurrentQueue<string> calls = new();

    public string DefaultGroup { get; set; } = "web";

    public IReadOnlyList<string> Calls => [.. calls];

    /// <summary>The instance as AWS will describe it; null: AWS does not know it.</summary>
    public void Set(string instanceId, string? group, string state = AutoScalingInstance.PendingWait) =>
        instances[instanceId] = group is null ? null : new AutoScalingInstance(instanceId, group, state, "Healthy");

    public Task<IReadOnlyList<AutoScalingInstance>> DescribeInstancesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        calls.Enqueue("instances " + string.Join(",", instanceIds));
        IReadOnlyList<AutoScalingInstance> found =
        [
            .. instanceIds
                .Select(id => instances.TryGetValue(id, out var set) ? set : new AutoScalingInstance(id, DefaultGroup, AutoScalingInstance.PendingWait, "Healthy"))
                .OfType<AutoScalingInstance>(),
        ];
        return Task.FromResult(found);
    }

    public Task<IReadOnlyList<LifecycleHookSettings>> DescribeLifecycleHooksAsync(string group, CancellationToken cancellationToken)
    {
        calls.Enqueue("hooks " + group);
        IReadOnlyList<LifecycleHookSettings> hooks =
        [
            new(group, "provision", "autoscaling:EC2_INSTANCE_LAUNCHING", TimeSpan.FromSeconds(300), null, "ABANDON"),
            new(group, "clean-up", "autoscaling:EC2_INSTANCE_TERMINATING", TimeSpan.FromSeconds(300), null, "CONTINUE"),
        ];
        return Task.FromResult(hooks);
    }

    public Task<GroupInventory> DescribeGroupsAsync(IReadOnlyCollection<string> groups, CancellationToken cancellationToken)
    {
        calls.Enqueue("groups " + string.Join(",", groups));
        var live = instances.Values.OfType<AutoScalingInstance>().Where(i => groups.Contains(i.AutoScalingGroupName)).ToList();
        return Task.FromResult(new GroupInventory(groups.ToHashSet(), live));
    }
}
