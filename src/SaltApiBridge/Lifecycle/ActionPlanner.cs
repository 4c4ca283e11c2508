namespace SaltApiBridge.Lifecycle;

/// <summary>
/// Event + options → the steps to take. Pure: no I/O, the same event always yields the same plan.
/// The outcome policy follows the design notes: never block a scale-in on cleanup, and keep the key of an instance
/// that is only moving to or from the warm pool.
/// </summary>
public sealed class ActionPlanner
{
    private readonly BridgeOptions options;
    private readonly MinionIdTemplate template;
    private readonly HashSet<string> groups;
    private readonly HashSet<string> goldenImageGroups;
    private readonly IReadOnlyList<string> cleanStates;

    public ActionPlanner(BridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        template = MinionIdTemplate.Parse(options.MinionIdTemplate);
        groups = new HashSet<string>(options.Groups, StringComparer.Ordinal);
        goldenImageGroups = new HashSet<string>(options.GoldenImageGroups, StringComparer.Ordinal);
        cleanStates = options.EffectiveCleanStates;
    }

    public ActionPlan Plan(LifecycleEvent lifecycleEvent)
    {
        ArgumentNullException.ThrowIfNull(lifecycleEvent);

        // Validation is repeated here so that no plan, however it was reached, can target an unchecked name.
        if (LifecycleEventValidator.Validate(lifecycleEvent) is { } invalid)
            return ActionPlan.Reject(lifecycleEvent, invalid);

        var group = lifecycleEvent.AutoScalingGroupName;
        if (groups.Count > 0 && !groups.Contains(group))
            return ActionPlan.Reject(lifecycleEvent, $"group '{group}' is not in Bridge:Groups");

        string? minionId = null;
        if (lifecycleEvent.InstanceId is { } instance)
        {
            minionId = template.Render(group, instance);
            if (NameRules.CheckMinionId(minionId) is { } minionProblem)
                return ActionPlan.Reject(lifecycleEvent, minionProblem);
        }

        return lifecycleEvent.Kind switch
        {
            LifecycleEventKind.Launching => PlanLaunch(lifecycleEvent, minionId!),
            LifecycleEventKind.Terminating when lifecycleEvent.IntoWarmPool => new ActionPlan(
                lifecycleEvent, PlanVerdict.Act, minionId, [PlannedStep.Complete(LifecycleActionResult.Continue, LifecycleActionResult.Continue)],
                "returning to the warm pool: the instance stays, so its key stays and nothing is cleaned"),
            LifecycleEventKind.Terminating => new ActionPlan(
                lifecycleEvent, PlanVerdict.Act, minionId,
                [PlannedStep.ApplyStates(cleanStates), PlannedStep.Complete(LifecycleActionResult.Continue, LifecycleActionResult.Continue)],
                "a scale-in is never blocked on cleanup: the action completes with CONTINUE either way"),
            LifecycleEventKind.Terminated when lifecycleEvent.IntoWarmPool =>
                ActionPlan.Acknowledge(lifecycleEvent, minionId, "moved to the warm pool: the key stays"),
            LifecycleEventKind.Terminated => new ActionPlan(lifecycleEvent, PlanVerdict.Act, minionId, [PlannedStep.DeleteKey], null),
            LifecycleEventKind.Test => ActionPlan.Acknowledge(lifecycleEvent, null, "test notification: nothing to do"),
            _ => ActionPlan.Acknowledge(lifecycleEvent, minionId, $"{lifecycleEvent.Kind} is informational: nothing to do"),
        };
    }

    private ActionPlan PlanLaunch(LifecycleEvent lifecycleEvent, string minionId)
    {
        var golden = goldenImageGroups.Contains(lifecycleEvent.AutoScalingGroupName);
        var complete = PlannedStep.Complete(LifecycleActionResult.Continue, options.LaunchFailureResult);
        IReadOnlyList<PlannedStep> steps = golden
            ? [PlannedStep.AcceptKey, complete]
            : [PlannedStep.AcceptKey, PlannedStep.Highstate, complete];
        var reason = golden ? "golden image: the image provisions itself, no highstate" : null;
        if (lifecycleEvent.IntoWarmPool)
            reason = (reason is null ? "" : reason + "; ") + "launching into the warm pool: the key stays while the instance is stopped";
        return new ActionPlan(lifecycleEvent, PlanVerdict.Act, minionId, steps, reason);
    }
}
