namespace SaltApiBridge.Lifecycle;

/// <summary>One step of a plan. Only the fields its kind uses are set.</summary>
public sealed record PlannedStep(
    PlannedStepKind Kind,
    IReadOnlyList<string>? States = null,
    LifecycleActionResult? Result = null,
    LifecycleActionResult? ResultOnFailure = null)
{
    public static PlannedStep AcceptKey { get; } = new(PlannedStepKind.AcceptKey);

    public static PlannedStep Highstate { get; } = new(PlannedStepKind.Highstate);

    public static PlannedStep DeleteKey { get; } = new(PlannedStepKind.DeleteKey);

    public static PlannedStep ApplyStates(IReadOnlyList<string> states) => new(PlannedStepKind.ApplyStates, States: states);

    public static PlannedStep Complete(LifecycleActionResult onSuccess, LifecycleActionResult onFailure) =>
        new(PlannedStepKind.CompleteLifecycleAction, Result: onSuccess, ResultOnFailure: onFailure);
}
