namespace SaltApiBridge.Salt;

/// <summary>The verdict of one state run on one minion.</summary>
public sealed record StateRunResult(StateRunStatus Status, string? Jid, IReadOnlyList<FailedState> FailedStates, string? Message)
{
    public bool Succeeded => Status == StateRunStatus.Succeeded;
}
