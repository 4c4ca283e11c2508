using System.Text.Json.Nodes;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>A Salt master that answers at once (or, when held, keeps every highstate running until released).</summary>
internal sealed class InstantSaltMaster : ISaltMaster
{
    private const string Jid = "20261125000000000000";
    private static readonly StateRunResult Success = new(StateRunStatus.Succeeded, Jid, [], null);

    /// <summary>When set, jobs wait for it: keeps instances in flight.</summary>
    public TaskCompletionSource? Hold { get; set; }

    public Task<MinionKeyState> GetKeyStateAsync(string minionId, CancellationToken cancellationToken) => Task.FromResult(MinionKeyState.Pending);

    public Task<KeyFingerprint> GetKeyFingerprintAsync(string minionId, CancellationToken cancellationToken) =>
        Task.FromResult(new KeyFingerprint(MinionKeyState.Pending, "d5:ad"));

    public Task<MinionKeyState> WaitForKeyAsync(string minionId, CancellationToken cancellationToken) => Task.FromResult(MinionKeyState.Pending);

    public Task<KeyAcceptOutcome> AcceptKeyAsync(string minionId, MinionKeyState from, CancellationToken cancellationToken) => Task.FromResult(KeyAcceptOutcome.Accepted);

    public Task<KeyListing> ListKeysAsync(CancellationToken cancellationToken) => Task.FromResult(new KeyListing([], [], [], []));

    public Task<bool> WaitUntilReachableAsync(string minionId, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<string?> StartHighstateAsync(string minionId, string jid, CancellationToken cancellationToken) => Task.FromResult<string?>(jid);

    public Task<string?> StartStatesAsync(string minionId, IReadOnlyList<string> states, JsonObject? pillar, string jid, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(jid);

    public IDisposable WatchJob(string minionId, string jid) => System.Reactive.Disposables.Disposable.Empty;

    public async Task<StateRunResult> WaitForJobAsync(string minionId, string jid, bool resumed, IDisposable? watch, CancellationToken cancellationToken)
    {
        if (Hold is { } hold)
            await hold.Task.WaitAsync(cancellationToken);
        return Success;
    }

    public Task FireEventAsync(string tag, JsonObject data, CancellationToken cancellationToken) => Task.CompletedTask;
}
