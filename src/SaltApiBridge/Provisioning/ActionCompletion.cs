using Microsoft.Extensions.Logging;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Provisioning;

/// <summary>The end of a lifecycle action: completed with AWS (CONTINUE or ABANDON), or found already gone.</summary>
internal sealed class ActionCompletion(ILifecycleActionClient lifecycle, BridgeEvents events, BridgeMetrics metrics, ILogger<ActionCompletion> logger)
{
    public async Task<WorkOutcome> CompleteAsync(InstanceWork work, LifecycleActionResult result, string summary, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.CompleteAsync(work.Action, result, cancellationToken);
        var kind = work.Kind.ToString();
        if (outcome == LifecycleActionOutcome.ActionGone)
        {
            metrics.Completed(kind, "gone");
            ProvisioningLog.ActionAlreadyGone(logger, work.InstanceId, work.MinionId);
            return WorkOutcome.Done("action gone", summary + "; the lifecycle action had already ended");
        }

        var text = result == LifecycleActionResult.Continue ? "CONTINUE" : "ABANDON";
        metrics.Completed(kind, text);
        ProvisioningLog.Completed(logger, work.InstanceId, work.MinionId, text);
        return WorkOutcome.Done(text, summary + "; completed " + text);
    }

    /// <summary>AWS ended the action while Salt worked (timed out, or completed elsewhere): nothing to complete.</summary>
    public async Task<WorkOutcome> GoneAsync(InstanceWork work, string step, string? jid, CancellationToken cancellationToken)
    {
        ProvisioningLog.ActionAlreadyGone(logger, work.InstanceId, work.MinionId);
        metrics.Completed(work.Kind.ToString(), "gone");
        await events.FireAsync(BridgeEventTags.Prefix + step, work, jid, "action_gone", cancellationToken);
        return WorkOutcome.Done("action gone", $"{step}; the lifecycle action had already ended (timed out or completed elsewhere)");
    }
}
