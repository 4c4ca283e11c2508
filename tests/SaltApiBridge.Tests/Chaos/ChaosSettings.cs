namespace SaltApiBridge.Tests.Chaos;

/// <summary>Daemon settings the chaos scenarios share: short timeouts, so faults cost milliseconds, not minutes.</summary>
internal static class ChaosSettings
{
    /// <summary>Longer than <see cref="AttemptTimeout"/>: how long a timed-out or slow reply is held.</summary>
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(1);

    public const string AttemptTimeout = "00:00:00.400";

    public const int VisibilityTimeoutSeconds = 10;

    public const int MaxReceiveCount = 6;

    /// <summary>Overrides for <see cref="EndToEnd.BridgeDaemon"/> (which already shortens the rest).</summary>
    public static Dictionary<string, string?> InProcess() => new()
    {
        ["SaltApi:AttemptTimeout"] = AttemptTimeout,
        ["Queue:VisibilityTimeoutSeconds"] = VisibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pipeline:MaxInFlight"] = "32",
    };

    public static void Report(string scenario, string summary) =>
        TestContext.Current.TestOutputHelper?.WriteLine($"chaos {scenario}: {summary}");
}
