using Microsoft.Extensions.Logging;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Telemetry;

namespace SaltApiBridge.Provisioning;

/// <summary>The end of a lifecycle action: completed with AWS (CONTINUE or ABANDON), or found already gone.</summary>
internal sealed class ActionCompletion(
    ILifecycleActionClient lifecycle, BridgeEvents events, BridgeMetrics metrics, TimeProvider timeProvider, ILogger<ActionCompletion> logger)
{
    public async Task<WorkOutcome> CompleteAsync(InstanceWork work, LifecycleActionResult result, string summary, CancellationToken cancellationToken)
    {
        work.Step("completing the lifecycle action");
        var outcome = await ActionTrace.CompleteAsync(result, () => lifecycle.CompleteAsync(work.Action, result, cancellationToken));
        var kind = work.Kind.ToString();
        if (outcome == LifecycleActionOutcome.ActionGone)
        {
            metrics.Completed(kind, "gone", SinceTheEvent(work));
            ProvisioningLog.ActionAlreadyGone(logger, work.InstanceId, work.MinionId);
            return WorkOutcome.Done("action gone", summary + "; the lifecycle action had already ended");
        }

        var text = result == LifecycleActionResult.Continue ? "CONTINUE" : "ABANDON";
        metrics.Completed(kind, text, SinceTheEvent(work));
        ProvisioningLog.Completed(logger, work.InstanceId, work.MinionId, text);
        return WorkOutcome.Done(text, summary + "; completed " + text);
    }

    /// <summary>AWS ended the action while Salt worked (timed out, or completed elsewhere): nothing to complete.</summary>
    public async Task<WorkOutcome> GoneAsync(InstanceWork work, string step, string? jid, CancellationToken cancellationToken)
    {
        ProvisioningLog.ActionAlreadyGone(logger, work.InstanceId, work.MinionId);
        metrics.Completed(work.Kind.ToString(), "gone", SinceTheEvent(work));
        await events.FireAsync(BridgeEventTags.Prefix + step, work, jid, "action_gone", cancellationToken);
        return WorkOutcome.Done("action gone", $"{step}; the lifecycle action had already ended (timed out or completed elsewhere)");
    }

    /// <summary>From the hook's event (AWS's time, else when the bridge took the action on) to now.</summary>
    private TimeSpan? SinceTheEvent(InstanceWork work) =>
        (work.Plan.Event.Time ?? work.Record?.InProgress?.EventTime ?? work.Record?.InProgress?.Since) is { } began
            ? timeProvider.GetUtcNow() - began
            : null;
}
