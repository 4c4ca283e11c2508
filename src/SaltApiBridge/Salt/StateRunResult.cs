namespace SaltApiBridge.Salt;

/// <summary>The verdict of one state run on one minion.</summary>
/// <param name="RunningJid">With <see cref="StateRunStatus.AnotherRunInProgress"/>: the jid of the state run in the way, when the minion named one.</param>
public sealed record StateRunResult(
    StateRunStatus Status, string? Jid, IReadOnlyList<FailedState> FailedStates, string? Message, string? RunningJid = null)
{
    public bool Succeeded => Status == StateRunStatus.Succeeded;
}
