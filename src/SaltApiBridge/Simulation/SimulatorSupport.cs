using System.Diagnostics.CodeAnalysis;

namespace SaltApiBridge.Simulation;

/// <summary>
/// Whether this build carries the simulated salt-api and Auto Scaling endpoint that <c>demo</c> and
/// <c>replay --dry-run</c> run on. The Native AOT publish turns the switch off, so the trimmer drops them and WireMock
/// (which needs reflection) from the daemon users install; <c>dotnet run</c> and the tests keep them.
/// </summary>
internal static class SimulatorSupport
{
    public const string SwitchName = "SaltApiBridge.Simulators.IsSupported";

    public const string Missing =
        "the published build leaves out the simulators; run it from a checkout with `dotnet run --project src/SaltApiBridge -- …`";

    [FeatureSwitchDefinition(SwitchName)]
    public static bool IsSupported => !AppContext.TryGetSwitch(SwitchName, out var enabled) || enabled;
}
