namespace SaltApiBridge.Reconcile;

/// <summary>
/// One reconcile run. <see cref="Refusal"/> is set when the run would not act (an empty group list, a partial or
/// failed answer from AWS or Salt, too many orphans); then nothing was deleted. <see cref="Compared"/> is false when
/// it refused before keys and instances could be compared (the counts are then meaningless).
/// </summary>
public sealed record ReconcileReport(
    bool Compared,
    bool Applied,
    int KeysConsidered,
    int InstancesConsidered,
    IReadOnlyList<ReconcileFinding> Findings,
    int Deleted,
    string? Refusal,
    IReadOnlyList<string> Notes)
{
    public IEnumerable<ReconcileFinding> Orphans => Findings.Where(f => f.Kind == FindingKind.Orphan);

    public IEnumerable<ReconcileFinding> Strays => Findings.Where(f => f.Kind == FindingKind.Stray);

    public static ReconcileReport Refused(bool applied, string refusal) => new(false, applied, 0, 0, [], 0, refusal, []);
}
