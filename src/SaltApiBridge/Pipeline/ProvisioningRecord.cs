using System.Security.Cryptography;
using System.Text;

namespace SaltApiBridge.Pipeline;

/// <summary>
/// What the bridge remembers about one minion between restarts: the lifecycle action it is working on (by a hash of
/// its token; the token itself is never stored), the highstate it published for it, and the last provisioning that
/// succeeded (a successful highstate, or the key accept of a golden-image group). Reconcile reads the latter.
/// </summary>
public sealed record ProvisioningRecord(
    string MinionId,
    string InstanceId,
    string Group,
    string? ActionKey,
    DateTimeOffset StartedAt,
    string? HighstateJid = null,
    DateTimeOffset? HighstatePublishedAt = null,
    DateTimeOffset? ProvisionedAt = null,
    string? ProvisionedJid = null)
{
    /// <summary>A stable, non-reversible name for a lifecycle action token (or null without one).</summary>
    public static string? KeyOf(string? lifecycleActionToken) =>
        string.IsNullOrEmpty(lifecycleActionToken)
            ? null
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lifecycleActionToken)));

    /// <summary>This record is about the action with that token.</summary>
    public bool IsFor(string? lifecycleActionToken) => ActionKey is not null && ActionKey == KeyOf(lifecycleActionToken);
}
