using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Hosting;

/// <summary>
/// At start (<see cref="StartupChecks"/>): a configured <see cref="AutoScalingOptions.HeartbeatInterval"/> must be
/// shorter than the heartbeat timeout of every lifecycle hook of <see cref="BridgeOptions.Groups"/>, or no heartbeat
/// could ever keep an action alive. When AWS cannot be asked, the start goes on (the interval is checked again per
/// action, and a too-long one replaced by a third of the hook's timeout).
/// </summary>
internal sealed class HeartbeatIntervalCheck(
    LifecycleHookCatalog hooks,
    IOptions<AutoScalingOptions> autoScaling,
    IOptions<BridgeOptions> bridge,
    ILogger<HeartbeatIntervalCheck> logger)
{
    /// <summary>The hooks a configured interval is too long for (empty when none, or when none is configured).</summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (autoScaling.Value.HeartbeatInterval is not { } interval)
            return problems;
        foreach (var group in bridge.Value.Groups.Distinct(StringComparer.Ordinal))
        {
            try
            {
                foreach (var hook in (await hooks.HooksOfAsync(group, cancellationToken)).Where(h => interval >= h.HeartbeatTimeout))
                {
                    problems.Add($"AutoScaling:HeartbeatInterval {interval} is not shorter than the heartbeat timeout {hook.HeartbeatTimeout} "
                        + $"of lifecycle hook {hook.LifecycleHookName} of group {group}; shorten it, or leave it empty to derive it from each hook");
                }
            }
            catch (AutoScalingException e)
            {
                HostingLog.HeartbeatCheckSkipped(logger, group, e.Message);
            }
        }

        return problems;
    }
}
