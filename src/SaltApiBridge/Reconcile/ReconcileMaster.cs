using System.Text.Json.Serialization;

namespace SaltApiBridge.Reconcile;

/// <summary>One master of a reconcile over several: whether it listed its keys, and why not.</summary>
/// <param name="Error">Null when it answered; then its keys are in the comparison.</param>
public sealed record ReconcileMaster(
    string Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    public bool Answered => Error is null;
}
