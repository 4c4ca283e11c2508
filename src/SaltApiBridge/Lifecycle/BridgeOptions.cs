namespace SaltApiBridge.Lifecycle;

/// <summary>What the bridge does for each event (configuration section "Bridge").</summary>
public sealed class BridgeOptions
{
    public const string SectionName = "Bridge";

    /// <summary>The minion id for an instance; placeholders {group} and {instance}.</summary>
    public string MinionIdTemplate { get; set; } = Lifecycle.MinionIdTemplate.Default;

    /// <summary>The Auto Scaling groups the bridge acts for, by exact name. Empty: every group that reaches the queue.</summary>
    public IList<string> Groups { get; } = [];

    /// <summary>Groups whose images provision themselves: their launches accept the key but run no highstate.</summary>
    public IList<string> GoldenImageGroups { get; } = [];

    /// <summary>The states applied to a terminating instance. Empty means the default, ["clean"].</summary>
    public IList<string> CleanStates { get; } = [];

    /// <summary>How a launch whose provisioning failed is completed: Abandon (the group replaces the instance) or Continue.</summary>
    public LifecycleActionResult LaunchFailureResult { get; set; } = LifecycleActionResult.Abandon;

    /// <summary>
    /// Accept a launching instance's key even when an operator has rejected it (minions_rejected). Off: a rejected key
    /// is refused and the launch completed with <see cref="LaunchFailureResult"/>.
    /// </summary>
    public bool AcceptRejectedKeys { get; set; }

    /// <summary>
    /// Accept a denied key (minions_denied: the master saw a second, different key under an id it knows). Off by default,
    /// as for rejected keys; turning it on replaces the key the master had.
    /// </summary>
    public bool AcceptDeniedKeys { get; set; }

    /// <summary>Configuration binding appends to a list's defaults instead of replacing them, so the default lives here.</summary>
    public IReadOnlyList<string> EffectiveCleanStates => CleanStates.Count > 0 ? [.. CleanStates] : ["clean"];
}
