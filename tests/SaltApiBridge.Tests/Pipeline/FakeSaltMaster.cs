using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>
/// A scriptable Salt master that records every call. Keys start pending; an accept makes them accepted. Its minions
/// behave as Salt's do (transcripts 47–49): a jid they have seen is not run again, and a state run published under a
/// new jid while another runs is refused with "is running as PID … with jid …".
/// </summary>
internal sealed class FakeSaltMaster(CallLog log) : ISaltMaster
{
    private readonly ConcurrentDictionary<string, MinionKeyState> keys = new();
    private readonly ConcurrentDictionary<string, Task<StateRunResult>> jobs = new();
    private readonly Dictionary<string, FakeMinion> minions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> cleanJobs = new(StringComparer.Ordinal);
    private int lostReplies;
    private int lostJobReplies;

    /// <summary>The key state of an id nobody set or accepted.</summary>
    public MinionKeyState NewKeys { get; set; } = MinionKeyState.Pending;

    public Func<string, CancellationToken, Task<KeyAcceptOutcome>> Accept { get; set; } = (_, _) => Task.FromResult(KeyAcceptOutcome.Accepted);

    public Func<string, CancellationToken, Task<StateRunResult>> Highstate { get; set; } = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));

    public Func<string, CancellationToken, Task<StateRunResult>> Clean { get; set; } = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));

    public Func<string, CancellationToken, Task> Delete { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>Runs after an event is logged as fired: throw to fail the call (a reply lost after the master fired it).</summary>
    public Func<string, CancellationToken, Task> Fire { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>How long <see cref="WaitForJobAsync"/> waits before "did not return", as <c>SaltApi:JobTimeout</c>.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Every state run a minion started: (minion, jid, function). Refused and republished jids are not in it.</summary>
    public ConcurrentQueue<(string Minion, string Jid, string Function)> StartedRuns { get; } = new();

    /// <summary>Publishes under a jid of its own, as a master that ignores caller-chosen jids would.</summary>
    public bool IgnoreChosenJids { get; set; }

    /// <summary>Every jid published, in order, republications included.</summary>
    public ConcurrentQueue<string> PublishedJids { get; } = new();

    public void SetKey(string minionId, MinionKeyState state) => keys[minionId] = state;

    /// <summary>Set for one of several masters: its calls are logged as "name: call".</summary>
    public string? Name { get; init; }

    private void Add(string call) => log.Add(Name is null ? call : $"{Name}: {call}");

    /// <summary>While true, every call fails as a salt-api that refuses connections would (a master that is down).</summary>
    public bool IsDown { get; set; }

    /// <summary>Fingerprints of keys by id; an id not in it has the same fingerprint on every fake master (one minion, one key).</summary>
    public ConcurrentDictionary<string, string> Fingerprints { get; } = new(StringComparer.Ordinal);

    public static string FingerprintOf(string minionId) => "d5:ad:" + Convert.ToHexStringLower(System.Text.Encoding.UTF8.GetBytes(minionId))[..8];

    private void ThrowIfDown(string operation)
    {
        if (IsDown)
            throw new SaltApiException($"{operation}: connection refused (salt-api down)", isTransient: true, new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));
    }

    public Task<KeyFingerprint> GetKeyFingerprintAsync(string minionId, CancellationToken cancellationToken)
    {
        ThrowIfDown("wheel key.finger");
        Add($"finger {minionId}");
        var state = keys.GetValueOrDefault(minionId, NewKeys);
        return Task.FromResult(state == MinionKeyState.Absent
            ? KeyFingerprint.None
            : new KeyFingerprint(state, Fingerprints.GetValueOrDefault(minionId) ?? FingerprintOf(minionId)));
    }

    /// <summary>A job the master knows, as if published earlier (by another process).</summary>
    public void AddJob(string jid, Task<StateRunResult> job) => jobs[jid] = job;

    /// <summary>The next <paramref name="count"/> publishes reach the minion, but their replies are lost (a transient failure).</summary>
    public void LoseReplies(int count) => Interlocked.Exchange(ref lostReplies, count);

    /// <summary>A state run started by someone else (an operator) runs on the minion under <paramref name="jid"/> until <paramref name="run"/> ends.</summary>
    public void Occupy(string minionId, string jid, Task<StateRunResult> run)
    {
        lock (minions)
        {
            var minion = Minion(minionId);
            minion.Seen.Add(jid);
            minion.Running = (jid, run);
        }

        jobs[jid] = run;
    }

    public Task<MinionKeyState> GetKeyStateAsync(string minionId, CancellationToken cancellationToken)
    {
        ThrowIfDown("wheel key.name_match");
        Add($"keystate {minionId}");
        return Task.FromResult(keys.GetValueOrDefault(minionId, NewKeys));
    }

    public Task<MinionKeyState> WaitForKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        ThrowIfDown("wheel key.name_match");
        return Task.FromResult(keys.GetValueOrDefault(minionId, NewKeys));
    }

    public async Task<KeyAcceptOutcome> AcceptKeyAsync(string minionId, MinionKeyState from, CancellationToken cancellationToken)
    {
        ThrowIfDown("wheel key.accept_dict");
        Add(from == MinionKeyState.Pending ? $"accept {minionId}" : $"accept {minionId} from {from}");
        var outcome = await Accept(minionId, cancellationToken);
        if (outcome is KeyAcceptOutcome.Accepted or KeyAcceptOutcome.AlreadyAccepted)
            keys[minionId] = MinionKeyState.Accepted;
        return outcome;
    }

    public Task<KeyListing> ListKeysAsync(CancellationToken cancellationToken)
    {
        ThrowIfDown("wheel key.list_all");
        Add("list keys");
        return Task.FromResult(new KeyListing(
            [.. keys.Where(k => k.Value == MinionKeyState.Accepted).Select(k => k.Key)],
            [.. keys.Where(k => k.Value == MinionKeyState.Pending).Select(k => k.Key)],
            [.. keys.Where(k => k.Value == MinionKeyState.Rejected).Select(k => k.Key)],
            [.. keys.Where(k => k.Value == MinionKeyState.Denied).Select(k => k.Key)]));
    }

    /// <summary>Whether minions answer test.ping.</summary>
    public bool Reachable { get; set; } = true;

    public Task<bool> WaitUntilReachableAsync(string minionId, CancellationToken cancellationToken)
    {
        ThrowIfDown("local test.ping");
        Add($"ping {minionId}");
        return Task.FromResult(Reachable);
    }

    public async Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        ThrowIfDown("wheel key.delete_dict");
        Add($"delete {minionId}");
        await Delete(minionId, cancellationToken);
        keys.TryRemove(minionId, out _);
    }

    public Task<string?> StartHighstateAsync(string minionId, string jid, CancellationToken cancellationToken)
    {
        ThrowIfDown("local_async state.highstate");
        Add($"highstate {minionId}");
        return PublishAsync(minionId, jid, "state.highstate", () => Highstate(minionId, cancellationToken));
    }

    public Task<string?> StartStatesAsync(string minionId, IReadOnlyList<string> states, JsonObject? pillar, string jid, CancellationToken cancellationToken)
    {
        ThrowIfDown("local_async state.sls");
        Add($"sls {string.Join(",", states)} {minionId}");
        return PublishAsync(minionId, jid, "state.sls", () => Clean(minionId, cancellationToken));
    }

    /// <summary>The next <paramref name="count"/> job lookups fail transiently (a GET /jobs reply lost).</summary>
    public void LoseJobReplies(int count) => Interlocked.Exchange(ref lostJobReplies, count);

    /// <summary>No event stream here: every wait looks the job up.</summary>
    public IDisposable WatchJob(string minionId, string jid) => System.Reactive.Disposables.Disposable.Empty;

    public async Task<StateRunResult> WaitForJobAsync(string minionId, string jid, bool resumed, IDisposable? watch, CancellationToken cancellationToken)
    {
        ThrowIfDown("GET /jobs");
        if (Interlocked.Decrement(ref lostJobReplies) >= 0)
            throw new SaltApiException("GET /jobs: the connection was reset", isTransient: true);
        if (!jobs.TryGetValue(jid, out var job))
            return new StateRunResult(StateRunStatus.JobUnknown, jid, [], "unknown jid");
        try
        {
            var result = await job.WaitAsync(JobTimeout, cancellationToken);
            if (result.Status == StateRunStatus.AnotherRunInProgress)
                Add($"refused {minionId}");
            else if (!cleanJobs.ContainsKey(jid))
                Add($"highstate-done {minionId}");
            return result with { Jid = result.Jid ?? jid };
        }
        catch (TimeoutException)
        {
            return new StateRunResult(StateRunStatus.MinionDidNotReturn, jid, [], "did not return");
        }
    }

    public Task FireEventAsync(string tag, JsonObject data, CancellationToken cancellationToken)
    {
        ThrowIfDown("POST /hook");
        Add($"event {tag} {data["minion_id"]}");
        return Fire(tag, cancellationToken);
    }

    private Task<string?> PublishAsync(string minionId, string jid, string function, Func<Task<StateRunResult>> run)
    {
        SaltJid.IsValid(jid).Should().BeTrue($"'{jid}' must be a jid Salt accepts");
        if (IgnoreChosenJids)
            jid = $"2026112912000000{PublishedJids.Count:D4}";
        PublishedJids.Enqueue(jid);
        lock (minions)
        {
            var minion = Minion(minionId);
            if (minion.Seen.Add(jid))
            {
                if (minion.Running is { } other && !other.Run.IsCompleted)
                {
                    jobs[jid] = Task.FromResult(new StateRunResult(
                        StateRunStatus.AnotherRunInProgress, jid, [], $"The function \"state.highstate\" is running as PID 8036 and was started at  with jid {other.Jid}", other.Jid));
                }
                else
                {
                    StartedRuns.Enqueue((minionId, jid, function));
                    if (function == "state.sls")
                        cleanJobs[jid] = true;
                    var job = run();
                    minion.Running = (jid, job);
                    jobs[jid] = job;
                }
            }
        }

        if (Interlocked.Decrement(ref lostReplies) >= 0)
            throw new SaltApiException("salt-api did not answer local_async in time (the master published the job)", isTransient: true);
        return Task.FromResult<string?>(jid);
    }

    private FakeMinion Minion(string minionId)
    {
        if (!minions.TryGetValue(minionId, out var minion))
            minions[minionId] = minion = new FakeMinion();
        return minion;
    }

    private sealed class FakeMinion
    {
        /// <summary>Jids the minion has seen (Salt keeps the last 100; no test here comes near).</summary>
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public (string Jid, Task<StateRunResult> Run)? Running { get; set; }
    }
}
