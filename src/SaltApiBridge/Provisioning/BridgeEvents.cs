using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

/// <summary>The Salt events the bridge fires at each step (<see cref="Lifecycle.BridgeEventTags"/>), for reactors.</summary>
internal sealed class BridgeEvents(SaltMasterSet masters, BridgeMetrics metrics, ILogger<BridgeEvents> logger)
{
    /// <summary>Best effort: a reactor missing an event must not fail the instance's work.</summary>
    public async Task FireAsync(string tag, InstanceWork work, string? jid, string? outcome, CancellationToken cancellationToken)
    {
        var data = new JsonObject
        {
            ["instance_id"] = work.InstanceId,
            ["minion_id"] = work.MinionId,
            ["group"] = work.Plan.Event.AutoScalingGroupName,
            ["hook"] = work.Plan.Event.LifecycleHookName,
            ["jid"] = jid,
            ["outcome"] = outcome,
            ["correlation_id"] = work.CorrelationId,
        };
        // Through one master, so reactors on the bridge's events run once: the one that did the work, else (only when the
        // call surely never reached it: a reply lost after the master fired would fire it twice) the next one.
        foreach (var master in masters.Masters.OrderBy(m => m == work.JobMaster ? 0 : 1))
        {
            try
            {
                await master.Master.FireEventAsync(tag, data, cancellationToken);
                return;
            }
            catch (SaltApiException e)
            {
                metrics.Error("event");
                ProvisioningLog.EventFailed(logger, tag, work.InstanceId, e.Message);
                if (!SaltApiFailures.NeverSent(e))
                    return;
            }
        }
    }
}
