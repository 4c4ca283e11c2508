using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>A scriptable Salt master that records every call. Keys start pending; an accept makes them accepted.</summary>
internal sealed class FakeSaltMaster(CallLog log) : ISaltMaster
{
    private readonly ConcurrentDictionary<string, MinionKeyState> keys = new();
    private readonly ConcurrentDictionary<string, Task<StateRunResult>> jobs = new();
    private int jids;

    /// <summary>The key state of an id nobody set or accepted.</summary>
    public MinionKeyState NewKeys { get; set; } = MinionKeyState.Pending;

    public Func<string, CancellationToken, Task<KeyAcceptOutcome>> Accept { get; set; } = (_, _) => Task.FromResult(KeyAcceptOutcome.Accepted);

    public Func<string, CancellationToken, Task<StateRunResult>> Highstate { get; set; } = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));

    public Func<string, CancellationToken, Task<StateRunResult>> Clean { get; set; } = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));

    public Func<string, CancellationToken, Task> Delete { get; set; } = (_, _) => Task.CompletedTask;

    public void SetKey(string minionId, MinionKeyState state) => keys[minionId] = state;

    /// <summary>A job the master knows, as if published earlier (by another process).</summary>
    public void AddJob(string jid, Task<StateRunResult> job) => jobs[jid] = job;

    public Task<MinionKeyState> GetKeyStateAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"keystate {minionId}");
        return Task.FromResult(keys.GetValueOrDefault(minionId, NewKeys));
    }

    public Task<MinionKeyState> WaitForKeyAsync(string minionId, CancellationToken cancellationToken) =>
        Task.FromResult(keys.GetValueOrDefault(minionId, NewKeys));

    public async Task<KeyAcceptOutcome> AcceptKeyAsync(string minionId, MinionKeyState from, CancellationToken cancellationToken)
    {
        log.Add(from == MinionKeyState.Pending ? $"accept {minionId}" : $"accept {minionId} from {from}");
        var outcome = await Accept(minionId, cancellationToken);
        if (outcome is KeyAcceptOutcome.Accepted or KeyAcceptOutcome.AlreadyAccepted)
            keys[minionId] = MinionKeyState.Accepted;
        return outcome;
    }

    public Task<KeyListing> ListKeysAsync(CancellationToken cancellationToken)
    {
        log.Add("list keys");
        return Task.FromResult(new KeyListing(
            [.. keys.Where(k => k.Value == MinionKeyState.Accepted).Select(k => k.Key)],
            [.. keys.Where(k => k.Value == MinionKeyState.Pending).Select(k => k.Key)],
            [.. keys.Where(k => k.Value == MinionKeyState.Rejected).Select(k => k.Key)],
            [.. keys.Where(k => k.Value == MinionKeyState.Denied).Select(k => k.Key)]));
    }

    public Task<bool> WaitUntilReachableAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"ping {minionId}");
        return Task.FromResult(true);
    }

    public async Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"delete {minionId}");
        await Delete(minionId, cancellationToken);
        keys.TryRemove(minionId, out _);
    }

    public Task<string?> StartHighstateAsync(string minionId, CancellationToken cancellationToken)
    {
        log.Add($"highstate {minionId}");
        var jid = NextJid();
        jobs[jid] = Highstate(minionId, cancellationToken);
        return Task.FromResult<string?>(jid);
    }

    public async Task<StateRunResult> WaitForJobAsync(string minionId, string jid, bool resumed, CancellationToken cancellationToken)
    {
        if (!jobs.TryGetValue(jid, out var job))
            return new StateRunResult(StateRunStatus.JobUnknown, jid, [], "unknown jid");
        var result = await job.WaitAsync(cancellationToken);
        log.Add($"highstate-done {minionId}");
        return result with { Jid = result.Jid ?? jid };
    }

    public async Task<StateRunResult> ApplyStatesAsync(string minionId, IReadOnlyList<string> states, JsonObject? pillar, CancellationToken cancellationToken)
    {
        log.Add($"sls {string.Join(",", states)} {minionId}");
        var result = await Clean(minionId, cancellationToken);
        return result with { Jid = result.Jid ?? NextJid() };
    }

    public Task FireEventAsync(string tag, JsonObject data, CancellationToken cancellationToken)
    {
        log.Add($"event {tag} {data["minion_id"]}");
        return Task.CompletedTask;
    }

    private string NextJid() => $"2026112512000000{Interlocked.Increment(ref jids):D4}";
}
