namespace SaltApiBridge.Lifecycle;

/// <summary>
/// Checks the names a parsed event carries before anything acts on them. Returns the reason for a rejection,
/// or null when the event is safe to plan.
/// </summary>
public static class LifecycleEventValidator
{
    public static string? Validate(LifecycleEvent lifecycleEvent)
    {
        ArgumentNullException.ThrowIfNull(lifecycleEvent);

        if (NameRules.CheckGroupName(lifecycleEvent.AutoScalingGroupName) is { } groupProblem)
            return groupProblem;

        var needsInstance = lifecycleEvent.Kind is not (LifecycleEventKind.Test or LifecycleEventKind.LaunchFailed);
        if (needsInstance || lifecycleEvent.InstanceId is not null)
        {
            if (!NameRules.IsValidInstanceId(lifecycleEvent.InstanceId))
                return $"instance id '{LifecycleMessageParser.Printable(lifecycleEvent.InstanceId)}' is not i- followed by 8 or 17 lowercase hex digits";
        }

        if (lifecycleEvent.IsLifecycleAction)
        {
            if (NameRules.CheckHookName(lifecycleEvent.LifecycleHookName) is { } hookProblem)
                return hookProblem;
            if (lifecycleEvent.LifecycleActionToken is not null && NameRules.CheckToken(lifecycleEvent.LifecycleActionToken) is { } tokenProblem)
                return tokenProblem;
        }

        return null;
    }
}
