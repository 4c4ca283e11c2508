using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// The lifecycle hooks of each group, from DescribeLifecycleHooks, cached for <see cref="AutoScalingOptions.HookCacheDuration"/>:
/// a storm of launches in one group costs one call. Concurrent lookups share one call; a failed call is not cached.
/// </summary>
internal sealed class LifecycleHookCatalog(
    IAutoScalingInventory inventory, IOptions<AutoScalingOptions> options, TimeProvider timeProvider, ILogger<LifecycleHookCatalog> logger)
{
    private readonly ConcurrentDictionary<string, Entry> byGroup = new(StringComparer.Ordinal);

    /// <summary>The hook, or null when the group has no hook of that name. Throws <see cref="AutoScalingException"/> when AWS cannot say.</summary>
    public async Task<LifecycleHookSettings?> FindAsync(string group, string hookName, CancellationToken cancellationToken)
    {
        var hooks = await HooksOfAsync(group, cancellationToken);
        return hooks.FirstOrDefault(h => string.Equals(h.LifecycleHookName, hookName, StringComparison.Ordinal));
    }

    /// <summary>Every hook of the group (cached like <see cref="FindAsync"/>).</summary>
    public Task<IReadOnlyList<LifecycleHookSettings>> HooksOfAsync(string group, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var entry = byGroup.AddOrUpdate(
            group,
            g => Fetch(g, now),
            (g, existing) => existing.Expires <= now || existing.Failed ? Fetch(g, now) : existing);
        // The shared call is not the caller's: one caller giving up must not fail the others.
        return entry.Hooks.WaitAsync(cancellationToken);
    }

    /// <summary>Lazy: AddOrUpdate may build an entry it then throws away, which must not have called AWS.</summary>
    private Entry Fetch(string group, DateTimeOffset now) =>
        new(new Lazy<Task<IReadOnlyList<LifecycleHookSettings>>>(() => FetchAsync(group)), now + options.Value.HookCacheDuration);

    private async Task<IReadOnlyList<LifecycleHookSettings>> FetchAsync(string group)
    {
        var hooks = await inventory.DescribeLifecycleHooksAsync(group, CancellationToken.None);
        foreach (var hook in hooks)
        {
            logger.HookDescribed(hook.AutoScalingGroupName, hook.LifecycleHookName, hook.HeartbeatTimeout, hook.EffectiveGlobalTimeout, hook.DefaultResult);
            if (hook.LifecycleTransition == "autoscaling:EC2_INSTANCE_LAUNCHING" && hook.DefaultResult == "CONTINUE")
                logger.LaunchHookDefaultsToContinue(hook.AutoScalingGroupName, hook.LifecycleHookName);
        }

        return hooks;
    }

    private sealed record Entry(Lazy<Task<IReadOnlyList<LifecycleHookSettings>>> Call, DateTimeOffset Expires)
    {
        public Task<IReadOnlyList<LifecycleHookSettings>> Hooks => Call.Value;

        public bool Failed => Call.IsValueCreated && (Call.Value.IsFaulted || Call.Value.IsCanceled);
    }
}
