using System.Security.Cryptography;
using System.Text;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Coordination;

/// <summary>
/// What the bridge remembers about one minion, across restarts and replicas: the lifecycle action it is working on (by a
/// hash of its token; the token itself is never stored) and, while it is in progress, enough to resume it without its
/// message (<see cref="InProgress"/>); the jid chosen for its highstate (written before the publish, so a retry, a
/// restart or another replica republishes that jid, which the minion runs once), the last provisioning that succeeded
/// (a successful highstate, or the key accept of a golden-image group; reconcile reads it), and likewise the
/// terminating action and the jid of its clean-up. With several masters: the master each jid was published through
/// (a jid is waited for there, and republished only there: the minion drops a repeat per master connection), the
/// key's fingerprint, and the key accepts and deletes owed to masters that did not answer (since <see cref="OwedSince"/>).
/// <see cref="Version"/> is the stored version this copy was read at (0: never stored): a write is conditional on it.
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
    string? ProvisionedJid = null,
    string? CleanActionKey = null,
    string? CleanJid = null,
    string? JobMaster = null,
    string? CleanMaster = null,
    string? KeyFingerprint = null,
    IReadOnlyList<string>? OwedAccepts = null,
    IReadOnlyList<string>? OwedDeletes = null,
    ActionInProgress? InProgress = null,
    DateTimeOffset? OwedSince = null,
    long Version = 0)
{
    /// <summary>A stable, non-reversible name for a lifecycle action token (or null without one).</summary>
    public static string? KeyOf(string? lifecycleActionToken) =>
        string.IsNullOrEmpty(lifecycleActionToken)
            ? null
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lifecycleActionToken)));

    /// <summary>This record is about the launch whose token hashes to <paramref name="actionKey"/>.</summary>
    public bool IsFor(string? actionKey) => ActionKey is not null && ActionKey == actionKey;

    /// <summary>This record's clean-up is for the terminating action whose token hashes to <paramref name="actionKey"/>.</summary>
    public bool IsCleanFor(string? actionKey) => CleanActionKey is not null && CleanActionKey == actionKey;

    /// <summary>
    /// The event of the action in progress, rebuilt from the record for a takeover: no token (Auto Scaling takes the
    /// instance id with hook and group) and no message id. Null when no action is in progress.
    /// </summary>
    public LifecycleEvent? InProgressEvent() => InProgress is not { } action
        ? null
        : new LifecycleEvent(action.Kind, SourceFormat.Record, null, InstanceId, Group, action.HookName, null, null, null, action.Destination, action.EventTime);

    /// <summary>Key work is owed to some master.</summary>
    public bool HasOwedWork => OwedAccepts is { Count: > 0 } || OwedDeletes is { Count: > 0 };
}
