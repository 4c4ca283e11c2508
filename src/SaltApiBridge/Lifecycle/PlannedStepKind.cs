namespace SaltApiBridge.Lifecycle;

public enum PlannedStepKind
{
    /// <summary>Accept the minion's pending key (waiting, bounded, for it to arrive).</summary>
    AcceptKey,

    /// <summary>state.highstate on the one minion.</summary>
    Highstate,

    /// <summary>state.sls with <see cref="PlannedStep.States"/> on the one minion.</summary>
    ApplyStates,

    /// <summary>CompleteLifecycleAction: <see cref="PlannedStep.Result"/> when the steps before it succeeded, else <see cref="PlannedStep.ResultOnFailure"/>.</summary>
    CompleteLifecycleAction,

    /// <summary>Delete the minion's key.</summary>
    DeleteKey,
}
