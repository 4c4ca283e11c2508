using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Tests.Lifecycle;

/// <summary>A compact, comparable rendering of a plan: "Act:AcceptKey,Highstate,CompleteLifecycleAction(Continue/Abandon)".</summary>
internal static class PlanText
{
    public static string Of(ActionPlan plan) =>
        plan.Verdict + ":" + string.Join(",", plan.Steps.Select(Of));

    private static string Of(PlannedStep step) => step.Kind switch
    {
        PlannedStepKind.ApplyStates => $"ApplyStates[{string.Join(",", step.States!)}]",
        PlannedStepKind.CompleteLifecycleAction => $"CompleteLifecycleAction({step.Result}/{step.ResultOnFailure})",
        _ => step.Kind.ToString(),
    };
}
