using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>An Auto Scaling inventory that at once confirms every instance waiting in the bench group, with a one-hour hook.</summary>
internal sealed class InstantInventory : IAutoScalingInventory
{
    public Task<IReadOnlyList<AutoScalingInstance>> DescribeInstancesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AutoScalingInstance>>(
            [.. instanceIds.Select(id => new AutoScalingInstance(id, BenchMessages.Group, AutoScalingInstance.PendingWait, "Healthy"))]);

    public Task<IReadOnlyList<LifecycleHookSettings>> DescribeLifecycleHooksAsync(string group, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LifecycleHookSettings>>(
            [new LifecycleHookSettings(group, "provision", "autoscaling:EC2_INSTANCE_LAUNCHING", TimeSpan.FromHours(1), null, "ABANDON")]);

    public Task<GroupInventory> DescribeGroupsAsync(IReadOnlyCollection<string> groups, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the bench does not reconcile");
}
