using System.Diagnostics.Metrics;

namespace SaltApiBridge;

/// <summary>
/// The one meter every component records on. <see cref="IMeterFactory"/> hands out the same meter for the same name,
/// so each folder keeps its own instruments without depending on another's.
/// </summary>
public static class BridgeMeter
{
    /// <summary>The meter's name; Prometheus names are <c>saltapibridge_&lt;instrument&gt;</c>.</summary>
    public const string Name = "SaltApiBridge";

    public static Meter Create(IMeterFactory? meterFactory) => meterFactory?.Create(Name) ?? new Meter(Name);
}
