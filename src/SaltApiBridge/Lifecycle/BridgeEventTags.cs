namespace SaltApiBridge.Lifecycle;

/// <summary>
/// The one list of Salt event tags the bridge fires through salt-api's <c>/hook/{tag}</c>.
/// Reactors see them as <c>salt/netapi/hook/{tag}</c>; <c>salt/master.d</c> maps exactly these.
/// </summary>
public static class BridgeEventTags
{
    public const string Prefix = "saltapibridge/";

    public const string Launching = Prefix + "launching";
    public const string KeyAccepted = Prefix + "key_accepted";
    public const string Provisioned = Prefix + "provisioned";
    public const string ProvisionFailed = Prefix + "provision_failed";
    public const string Terminating = Prefix + "terminating";
    public const string Cleaned = Prefix + "cleaned";
    public const string CleanFailed = Prefix + "clean_failed";
    public const string KeyDeleted = Prefix + "key_deleted";
    public const string Refused = Prefix + "refused";

    public static IReadOnlyList<string> All { get; } =
    [
        Launching, KeyAccepted, Provisioned, ProvisionFailed, Terminating, Cleaned, CleanFailed, KeyDeleted, Refused,
    ];

    /// <summary>The tag as the Salt event bus shows it to reactors.</summary>
    public static string OnEventBus(string tag) => "salt/netapi/hook/" + tag;
}
