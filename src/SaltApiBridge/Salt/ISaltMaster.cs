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
    /// Accepts the minion's pending key. A key that has not arrived yet is waited for by a bounded poll;
    /// an accepted key is success; a rejected or denied key is refused, never overridden.
    /// </summary>
    Task<KeyAcceptOutcome> AcceptKeyAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>Waits, bounded, until the minion answers a short test.ping (it reconnects some seconds after an accept).</summary>
    Task<bool> WaitUntilReachableAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>Deletes the minion's accepted key. Deleting an absent key is success.</summary>
    Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>Runs state.highstate on the one minion and waits for its return (bounded).</summary>
    Task<StateRunResult> RunHighstateAsync(string minionId, CancellationToken cancellationToken);

    /// <summary>Runs state.sls with the given states (and optional pillar) on the one minion and waits for its return (bounded).</summary>
    Task<StateRunResult> ApplyStatesAsync(
        string minionId, IReadOnlyList<string> states, JsonObject? pillar, CancellationToken cancellationToken);

    /// <summary>Fires <c>salt/netapi/hook/{tag}</c> on the master's event bus with <paramref name="data"/> as the body.</summary>
    Task FireEventAsync(string tag, JsonObject data, CancellationToken cancellationToken);
}
