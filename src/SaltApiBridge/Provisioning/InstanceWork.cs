using System.Diagnostics;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

/// <summary>One lifecycle action's work while it runs: its plan, the master its jobs go through, its record as last written.</summary>
/// <param name="actionKey">The hash of the action's token; from the record when a takeover resumes it without its message.</param>
internal sealed class InstanceWork(ActionPlan plan, string correlationId, NamedSaltMaster jobMaster, string? actionKey)
{
    /// <summary>The master this action's state jobs go through (and its events, first).</summary>
    public NamedSaltMaster JobMaster { get; set; } = jobMaster;

    public ISaltMaster Jobs => JobMaster.Master;

    public ActionPlan Plan { get; } = plan;

    public LifecycleEventKind Kind => Plan.Event.Kind;

    public string CorrelationId { get; } = correlationId;

    public string InstanceId { get; } = plan.Event.InstanceId!;

    public string MinionId { get; } = plan.MinionId ?? throw new UnreachableException("an acting plan always has a minion id");

    /// <summary>Names this lifecycle action in the record without its token (<see cref="ProvisioningRecord.KeyOf"/>).</summary>
    public string? ActionKey { get; } = actionKey;

    /// <summary>The minion's provisioning record as last written.</summary>
    public ProvisioningRecord? Record { get; set; }

    /// <summary>By token when the message gave one; a takeover has only the instance id, which AWS accepts with hook and group.</summary>
    public LifecycleActionIdentity Action { get; } = new(
        plan.Event.AutoScalingGroupName, plan.Event.LifecycleHookName ?? "", plan.Event.LifecycleActionToken, plan.Event.InstanceId!);

    public PlannedStep Completion => Plan.Steps.Single(s => s.Kind == PlannedStepKind.CompleteLifecycleAction);
}
