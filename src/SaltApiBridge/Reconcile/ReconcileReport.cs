using System.Text.Json.Serialization;

namespace SaltApiBridge.Reconcile;

/// <summary>
/// One reconcile run. <see cref="Refusal"/> is set when the run would not act (an empty group list, a partial or
/// failed answer from AWS or Salt, too many orphans); then nothing was deleted. <see cref="Compared"/> is false when
/// it refused before keys and instances could be compared (the counts are then meaningless).
/// </summary>
/// <param name="Masters">
/// Several masters only (null, and left out of the JSON, with one): every configured master and whether it answered.
/// The findings come from those that did.
/// </param>
public sealed record ReconcileReport(
    bool Compared,
    bool Applied,
    int KeysConsidered,
    int InstancesConsidered,
    IReadOnlyList<ReconcileFinding> Findings,
    int Deleted,
    string? Refusal,
    IReadOnlyList<string> Notes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ReconcileMaster>? Masters = null)
{
    public IEnumerable<ReconcileFinding> Orphans => Findings.Where(f => f.Kind == FindingKind.Orphan);

    public IEnumerable<ReconcileFinding> Strays => Findings.Where(f => f.Kind == FindingKind.Stray);

    /// <summary>Null with one master (no master to disagree with), so that its JSON stays as before multi-master.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IEnumerable<ReconcileFinding>? Splits => Masters is null ? null : Findings.Where(f => f.Kind == FindingKind.Split);

    public static ReconcileReport Refused(bool applied, string refusal, IReadOnlyList<ReconcileMaster>? masters = null) =>
        new(false, applied, 0, 0, [], 0, refusal, [], masters);
}
