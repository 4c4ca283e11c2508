using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Pipeline;

/// <summary>
/// The trust gate before a launch's key is accepted. Every signal must agree:
/// <list type="number">
/// <item>the lifecycle event (only ids rendered from an event's group and instance ever reach this gate: the bridge
/// never lists pending keys to accept them, so a key that appears for an id no event announced is never accepted);</item>
/// <item>a key with exactly the expected minion id, pending (rejected or denied only when configured);</item>
/// <item>Auto Scaling confirming, at that moment, that the instance is in the event's group and waiting for this launch
/// (Pending:Wait, or Warmed:Pending:Wait when it launches into the warm pool).</item>
/// </list>
/// Each refusal is logged with its reason and counted; the caller fires the Salt event.
/// </summary>
internal sealed class AcceptGate(
    ISaltMaster salt,
    IAutoScalingInventory autoScaling,
    IOptions<BridgeOptions> options,
    BridgeMetrics metrics,
    ILogger<AcceptGate> logger)
{
    public const string KeyRejected = "key_rejected";
    public const string KeyDenied = "key_denied";
    public const string InstanceUnknown = "instance_unknown";
    public const string WrongGroup = "wrong_group";
    public const string NotWaiting = "not_pending_wait";

    /// <summary>Waits (bounded) for the expected key, asks Auto Scaling about the instance, and accepts the key when all agree.</summary>
    public async Task<GateOutcome> PassAsync(LifecycleEvent launch, string minionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var instanceId = launch.InstanceId ?? throw new ArgumentException("a launch names its instance", nameof(launch));
        var key = await salt.WaitForKeyAsync(minionId, cancellationToken);
        if (key == MinionKeyState.Absent)
            return new GateOutcome(GateVerdict.NoKey, null, $"no key for {minionId} arrived in time (the minion never started, or its id is not the expected one)", false);

        // Asked now, right before the key moves: a message can be old, forged or replayed; AWS's answer cannot.
        var expectedState = launch.IntoWarmPool ? AutoScalingInstance.WarmedPendingWait : AutoScalingInstance.PendingWait;
        var described = await autoScaling.DescribeInstancesAsync([instanceId], cancellationToken);
        var instance = described.FirstOrDefault(i => i.InstanceId == instanceId);
        var group = launch.AutoScalingGroupName;
        if (instance is null)
            return Refused(InstanceUnknown, $"Auto Scaling knows no instance {instanceId}: the event is not about a live launch", false, minionId, instanceId);
        if (instance.AutoScalingGroupName != group)
            return Refused(WrongGroup, $"instance {instanceId} is in group {instance.AutoScalingGroupName}, not {group} as the event says", false, minionId, instanceId);
        if (instance.LifecycleState != expectedState && key == MinionKeyState.Accepted)
            return new GateOutcome(GateVerdict.ActionEnded, null, $"instance {instanceId} is {instance.LifecycleState} and its key accepted: this launch was finished before", true);
        if (instance.LifecycleState != expectedState)
            return Refused(NotWaiting, $"instance {instanceId} is {instance.LifecycleState}, not {expectedState}: its launch is not waiting for us", false, minionId, instanceId);

        var bridge = options.Value;
        switch (key)
        {
            case MinionKeyState.Accepted:
                return new GateOutcome(GateVerdict.AlreadyAccepted, null, null, true);
            case MinionKeyState.Rejected when !bridge.AcceptRejectedKeys:
                return Refused(KeyRejected, $"the key of {minionId} is rejected; the bridge does not override that (Bridge:AcceptRejectedKeys)", true, minionId, instanceId);
            case MinionKeyState.Denied when !bridge.AcceptDeniedKeys:
                return Refused(KeyDenied, $"the key of {minionId} is denied; the bridge does not override that (Bridge:AcceptDeniedKeys)", true, minionId, instanceId);
        }

        var accepted = await salt.AcceptKeyAsync(minionId, key, cancellationToken);
        return new GateOutcome(accepted == KeyAcceptOutcome.AlreadyAccepted ? GateVerdict.AlreadyAccepted : GateVerdict.Accepted, null, null, true);
    }

    private GateOutcome Refused(string reason, string detail, bool instanceConfirmed, string minionId, string instanceId)
    {
        metrics.AcceptRefused(reason);
        PipelineLog.AcceptRefused(logger, instanceId, minionId, reason, detail);
        return GateOutcome.Refuse(reason, detail, instanceConfirmed);
    }
}
