namespace SaltApiBridge.AutoScaling;

/// <summary>
/// What Auto Scaling says about instances, groups and hooks: the read-only calls of the accept gate, the heartbeat
/// schedule and reconcile. Separate from <see cref="ILifecycleActionClient"/>, which acts. Every list is complete or
/// the call throws <see cref="AutoScalingException"/>: a failed or unreadable page never yields a shorter list.
/// </summary>
public interface IAutoScalingInventory
{
    /// <summary>DescribeAutoScalingInstances: the instances Auto Scaling knows among <paramref name="instanceIds"/> (unknown ids are left out).</summary>
    Task<IReadOnlyList<AutoScalingInstance>> DescribeInstancesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken);

    /// <summary>DescribeLifecycleHooks: every hook of the group.</summary>
    Task<IReadOnlyList<LifecycleHookSettings>> DescribeLifecycleHooksAsync(string group, CancellationToken cancellationToken);

    /// <summary>DescribeAutoScalingGroups over every page: the instances of each named group that exists (warm pools excluded, as AWS does).</summary>
    Task<GroupInventory> DescribeGroupsAsync(IReadOnlyCollection<string> groups, CancellationToken cancellationToken);
}
