using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace SaltApiBridge.Salt;

/// <summary>
/// The jids the bridge chooses for its own state runs. <c>local_async</c> publishes under a jid the caller chooses
/// (transcript 47), and a minion runs a republished jid once (48): so a jid chosen and recorded before the publish makes
/// every retry of that publish safe. Salt's shape (<c>salt.utils.jid.is_jid</c>): 20 digits of local time to the
/// microsecond, as the master's own jids (<c>gen_jid</c>, and what its job-cache cleanup reads), then <c>_</c> and a
/// random suffix, as Salt's <c>unique_jid</c> does with a pid: unique across replicas and hosts without coordination.
/// </summary>
internal static partial class SaltJid
{
    public static string New(TimeProvider timeProvider) =>
        timeProvider.GetLocalNow().ToString("yyyyMMddHHmmssffffff", CultureInfo.InvariantCulture)
        + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>A jid Salt accepts that is also safe in a URL path and an event tag (the suffix is limited to letters and digits).</summary>
    public static bool IsValid(string? jid) => jid is not null && Shape().IsMatch(jid);

    [GeneratedRegex("^[0-9]{20}(_[A-Za-z0-9]{1,64})?$")]
    private static partial Regex Shape();
}
