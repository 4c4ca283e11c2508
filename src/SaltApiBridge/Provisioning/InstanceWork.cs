using System.Diagnostics;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Salt;
using SaltApiBridge.Status;

namespace SaltApiBridge.Provisioning;

/// <summary>One lifecycle action's work while it runs: its plan, the master its jobs go through, its record as last written.</summary>
/// <param name="actionKey">The hash of the action's token; from the record when a takeover resumes it without its message.</param>
internal sealed class InstanceWork(ActionPlan plan, string correlationId, NamedSaltMaster jobMaster, string? actionKey)
{
    private NamedSaltMaster jobMaster = jobMaster;
    private readonly WorkInProgress? progress;

    /// <summary>The master this action's state jobs go through (and its events, first).</summary>
    public NamedSaltMaster JobMaster
    {
        get => jobMaster;
        set
        {
            jobMaster = value;
            Progress?.Master = value.Name;
        }
    }

    /// <summary>Where the status view follows this work (from the start, through <see cref="JobMaster"/>); null when nobody watches (replay).</summary>
    public WorkInProgress? Progress
    {
        get => progress;
        init
        {
            progress = value;
            progress?.Master = jobMaster.Name;
        }
    }

    public ISaltMaster Jobs => JobMaster.Master;

    public ActionPlan Plan { get; } = plan;

    public LifecycleEventKind Kind => Plan.Event.Kind;

    public string CorrelationId { get; } = correlationId;

    public string InstanceId { get; } = plan.Event.InstanceId!;

    public string MinionId { get; } = plan.MinionId ?? throw new UnreachableException("an acting plan always has a minion id");

    /// <summary>Names this lifecycle action in the record without its token (<see cref="ProvisioningRecord.KeyOf"/>).</summary>
    public string? ActionKey { get; } = actionKey;

    /// <summary>Resumed from its record without its message: another replica (or this host before a restart) began it.</summary>
    public bool IsTakeover => Plan.Event.Format == SourceFormat.Record;

    /// <summary>The minion's provisioning record as last written.</summary>
    public ProvisioningRecord? Record { get; set; }

    /// <summary>By token when the message gave one; a takeover has only the instance id, which AWS accepts with hook and group.</summary>
    public LifecycleActionIdentity Action { get; } = new(
        plan.Event.AutoScalingGroupName, plan.Event.LifecycleHookName ?? "", plan.Event.LifecycleActionToken, plan.Event.InstanceId!);

    public PlannedStep Completion => Plan.Steps.Single(s => s.Kind == PlannedStepKind.CompleteLifecycleAction);

    /// <summary>Heartbeats run: the status view learns the hook's heartbeat timeout, and from when the action counts.</summary>
    public void Heartbeating(HeartbeatPlan plan)
    {
        if (Progress is not { } progress)
            return;
        progress.HookTimeout = plan.HookTimeout;
        if (Record?.InProgress?.Since is { } since && since < progress.Since)
            progress.Since = since;
    }

    /// <summary>Tells the status view what the work does now, in words.</summary>
    public void Step(string words, string? jid = null)
    {
        if (Progress is not { } progress)
            return;
        progress.Step = words;
        if (jid is not null)
            progress.Jid = jid;
    }
}
