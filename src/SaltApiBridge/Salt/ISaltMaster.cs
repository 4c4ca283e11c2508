using System.Text.Json.Nodes;

namespace SaltApiBridge.Salt;

/// <summary>
/// What the pipeline asks of the Salt master, at the level of intent. Every call targets exactly one minion id,
/// which the caller has validated. Failures throw <see cref="SaltApiException"/>.
/// </summary>
public interface ISaltMaster
{
    /// <summary>The key's state, looked up by exact name.</summary>
    Task<MinionKeyState> GetKeyStateAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>
    /// The key's directory and fingerprint (wheel <c>key.finger</c>, exact for a validated id): what makes the keys of
    /// several masters comparable. Where a master holds two (an accepted stale key and the new one denied), the denied
    /// or rejected one is reported: it is the one the minion is presenting.
    /// </summary>
    Task<KeyFingerprint> GetKeyFingerprintAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>
    /// Waits, bounded, for a key with exactly this id: its state once there is one, <see cref="MinionKeyState.Absent"/>
    /// when none arrived before the deadline (the minion is still booting, or never will).
    /// </summary>
    Task<MinionKeyState> WaitForKeyAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts exactly this id's key from the directory <paramref name="from"/> names (<c>key.accept_dict</c>, no glob).
    /// Pending is the normal case; Rejected or Denied only when the caller's configuration says so.
    /// <see cref="KeyAcceptOutcome.AlreadyAccepted"/> when someone else accepted it meanwhile.
    /// </summary>
    Task<KeyAcceptOutcome> AcceptKeyAsync(string minionId, MinionKeyState from, CancellationToken cancellationToken);

    /// <summary>Every key the master has, by directory (<c>key.list_all</c>).</summary>
    Task<KeyListing> ListKeysAsync(CancellationToken cancellationToken);

    /// <summary>Waits, bounded, until the minion answers a short test.ping (it reconnects some seconds after an accept).</summary>
    Task<bool> WaitUntilReachableAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>Deletes the minion's accepted key. Deleting an absent key is success.</summary>
    Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes state.highstate to the one minion under <paramref name="jid"/> (chosen by the caller, see
    /// <see cref="SaltJid"/>): the jid the master published it under (that one, unless the master ignores chosen jids),
    /// or null when no accepted key matched (nothing was published). Publishing the same jid again is safe: the minion
    /// runs a jid once.
    /// </summary>
    Task<string?> StartHighstateAsync(string minionId, string jid, CancellationToken cancellationToken);

    /// <summary>
    /// Publishes state.sls with the given states (and optional pillar) to the one minion under <paramref name="jid"/>,
    /// as <see cref="StartHighstateAsync"/> does.
    /// </summary>
    Task<string?> StartStatesAsync(
        string minionId, IReadOnlyList<string> states, JsonObject? pillar, string jid, CancellationToken cancellationToken);

    /// <summary>
    /// Waits (bounded) for job <paramref name="jid"/> of the one minion to return and reads its verdict from the master's
    /// job cache. <paramref name="resumed"/>: the job was published before a restart, so the first look is at once, and a
    /// jid the master does not know then is <see cref="StateRunStatus.JobUnknown"/> rather than late. <paramref name="watch"/>:
    /// what <see cref="WatchJob"/> gave for this job before its publish (the wait uses it rather than listening again),
    /// or null; a watch of another jid (a master that ignored ours) is not used.
    /// </summary>
    Task<StateRunResult> WaitForJobAsync(string minionId, string jid, bool resumed, IDisposable? watch, CancellationToken cancellationToken);

    /// <summary>
    /// Starts listening for job <paramref name="jid"/>'s return of this minion on salt-api's event stream: take it BEFORE
    /// publishing the job under that jid (its return can beat the publish reply), hand it to
    /// <see cref="WaitForJobAsync"/> and keep it until that returned, then dispose it. Without it the wait catches up
    /// with one <c>GET /jobs</c>.
    /// A master without an event stream returns a handle that does nothing.
    /// </summary>
    IDisposable WatchJob(string minionId, string jid);

    /// <summary>Fires <c>salt/netapi/hook/{tag}</c> on the master's event bus with <paramref name="data"/> as the body.</summary>
    Task FireEventAsync(string tag, JsonObject data, CancellationToken cancellationToken);
}
