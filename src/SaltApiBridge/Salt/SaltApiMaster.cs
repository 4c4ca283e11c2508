using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Salt.Api;

namespace SaltApiBridge.Salt;

/// <summary>
/// <see cref="ISaltMaster"/> over salt-api. Targeting is always exact: <c>tgt_type: list</c> with the one id, and the
/// <c>*_dict</c> wheel functions for keys; ids are checked before they reach Salt (see <see cref="SaltNames"/>).
/// </summary>
internal sealed class SaltApiMaster(
    SaltApiSession session, ISaltApi api, IOptions<SaltApiOptions> options, TimeProvider timeProvider, ILogger<SaltApiMaster> logger)
    : ISaltMaster
{
    private const string Wheel = "wheel";
    private const string TargetList = "list";

    private SaltApiOptions Options => options.Value;

    public async Task<MinionKeyState> GetKeyStateAsync(string minionId, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        // name_match globs, which is exact for an id without glob characters (checked above).
        var keys = await RunWheelAsync(new Lowstate(Wheel, "key.name_match") { Match = minionId }, cancellationToken);
        var state = KeyStateIn(keys, minionId);
        logger.KeyState(minionId, state);
        return state;
    }

    public async Task<MinionKeyState> WaitForKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        var o = Options;
        var schedule = new PollSchedule(timeProvider, o.KeyWaitTimeout, o.KeyPollInterval, o.KeyPollMaxInterval);
        while (true)
        {
            var state = await GetKeyStateAsync(minionId, cancellationToken);
            if (state != MinionKeyState.Absent)
            {
                return state;
            }

            // Absent: the minion has not started yet (or its key was deleted); wait for it, bounded.
            if (schedule.NextDelay() is not { } delay)
            {
                logger.KeyWaitExpired(minionId, schedule.Timeout);
                return MinionKeyState.Absent;
            }

            logger.KeyNotYet(minionId, delay);
            await schedule.WaitAsync(delay, cancellationToken);
        }
    }

    public async Task<KeyAcceptOutcome> AcceptKeyAsync(string minionId, MinionKeyState from, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        var accept = from switch
        {
            MinionKeyState.Pending => new Lowstate(Wheel, "key.accept_dict") { Match = KeyDirs("minions_pre", minionId) },
            // accept_dict moves rejected/denied keys only with these flags. Not captured for accept_dict: transcript 06
            // shows the same flags on key.accept, and Salt's wheel passes them on to Key.accept(match_dict=…) alike.
            MinionKeyState.Rejected => new Lowstate(Wheel, "key.accept_dict") { Match = KeyDirs("minions_rejected", minionId), IncludeRejected = true },
            MinionKeyState.Denied => new Lowstate(Wheel, "key.accept_dict") { Match = KeyDirs("minions_denied", minionId), IncludeDenied = true },
            _ => throw new ArgumentOutOfRangeException(nameof(from), from, "Only a pending, rejected or denied key can be accepted."),
        };
        if (from != MinionKeyState.Pending)
        {
            logger.KeyOverridden(minionId, from);
        }

        try
        {
            var moved = await RunWheelAsync(accept, cancellationToken);
            if (KeyStateIn(moved, minionId) == MinionKeyState.Accepted)
            {
                logger.KeyAccepted(minionId);
                return KeyAcceptOutcome.Accepted;
            }
        }
        catch (SaltApiException e) when (!e.IsTransient)
        {
            // accept_dict fails inside Salt when the key left its directory meanwhile (someone else accepted it).
            if (await GetKeyStateAsync(minionId, cancellationToken) == MinionKeyState.Accepted)
            {
                logger.KeyAlreadyAccepted(minionId);
                return KeyAcceptOutcome.AlreadyAccepted;
            }

            throw;
        }

        throw SaltApiFailures.UnexpectedReply("wheel key.accept_dict", $"the key of {minionId} was not moved to minions");
    }

    public async Task<KeyListing> ListKeysAsync(CancellationToken cancellationToken)
    {
        // key.list_all (transcripts 03, 05, 38): every key directory at once, no match at all.
        var keys = await RunWheelAsync(new Lowstate(Wheel, "key.list_all"), cancellationToken);
        if (keys.ValueKind != JsonValueKind.Object)
        {
            throw SaltApiFailures.UnexpectedReply("wheel key.list_all", "data.return is not a key listing");
        }

        IReadOnlyList<string> Ids(string keyDir) =>
            keys.TryGetProperty(keyDir, out var ids) && ids.ValueKind == JsonValueKind.Array
                ? [.. ids.EnumerateArray().Where(id => id.ValueKind == JsonValueKind.String).Select(id => id.GetString()!)]
                : throw SaltApiFailures.UnexpectedReply("wheel key.list_all", $"{keyDir} is missing");

        var listing = new KeyListing(Ids("minions"), Ids("minions_pre"), Ids("minions_rejected"), Ids("minions_denied"));
        logger.KeysListed(listing.Accepted.Count, listing.Pending.Count, listing.Rejected.Count, listing.Denied.Count);
        return listing;
    }

    public async Task<bool> WaitUntilReachableAsync(string minionId, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        var o = Options;
        var schedule = new PollSchedule(timeProvider, o.ReachableTimeout, o.ReachablePollInterval, o.ReachablePollMaxInterval);
        var ping = new Lowstate("local", "test.ping")
        {
            Tgt = [minionId],
            TgtType = TargetList,
            Timeout = o.PingTimeoutSeconds,
            GatherJobTimeout = o.PingGatherJobTimeoutSeconds,
        };
        while (true)
        {
            var reply = await session.InvokeAsync(
                "local test.ping", (token, ct) => api.RunLocalAsync(token, [ping], ct), cancellationToken);
            var answers = reply.First;
            if (answers is null || answers.Count == 0)
            {
                // With tgt_type list an id without an accepted key is dropped before publishing: waiting won't help.
                logger.PingMatchedNoKey(minionId);
                return false;
            }

            if (answers.TryGetValue(minionId, out var answer) && answer.ValueKind == JsonValueKind.True)
            {
                logger.Reachable(minionId);
                return true;
            }

            if (schedule.NextDelay() is not { } delay)
            {
                logger.ReachableWaitExpired(minionId, schedule.Timeout);
                return false;
            }

            logger.NotReachableYet(minionId, delay);
            await schedule.WaitAsync(delay, cancellationToken);
        }
    }

    public async Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        // delete_dict returns {} whether or not the key existed: an absent key is success.
        await RunWheelAsync(
            new Lowstate(Wheel, "key.delete_dict") { Match = KeyDirs("minions", minionId) }, cancellationToken);
        logger.KeyDeleted(minionId);
    }

    public Task<bool> StartHighstateAsync(string minionId, string jid, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        return PublishAsync(minionId, new Lowstate("local_async", "state.highstate"), jid, cancellationToken);
    }

    public async Task<StateRunResult> WaitForJobAsync(string minionId, string jid, bool resumed, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        ArgumentException.ThrowIfNullOrEmpty(jid);
        var o = Options;
        var schedule = new PollSchedule(timeProvider, o.JobTimeout, o.JobPollInterval, o.JobPollMaxInterval);
        // A resumed job was published long ago: look at once, and a job the master does not know then is lost, not late.
        var lookNow = resumed;
        while (true)
        {
            if (!lookNow)
            {
                if (schedule.NextDelay() is not { } delay)
                {
                    break;
                }

                logger.JobRunning(jid, minionId, delay);
                await schedule.WaitAsync(delay, cancellationToken);
            }

            var firstLookAfterResume = lookNow;
            lookNow = false;
            var reply = await session.InvokeAsync(
                "GET /jobs/" + jid, (token, ct) => api.GetJobAsync(token, jid, ct), cancellationToken);
            var info = reply.First;
            if (info?.Error is { } error)
            {
                logger.JobNotFound(jid, minionId, error);
                if (firstLookAfterResume)
                {
                    return new StateRunResult(StateRunStatus.JobUnknown, jid, [], $"salt-api does not know job {jid} of minion {minionId}: {error}");
                }

                // The job cache may lag the publish; keep polling until the deadline.
                continue;
            }

            var results = info?.Result;
            var everyoneReturned = results is not null && (info!.Minions ?? []).All(results.ContainsKey);
            if (everyoneReturned && results!.TryGetValue(minionId, out var minionResult))
            {
                var verdict = StateReturnParser.Parse(jid, minionResult);
                logger.JobFinished(jid, minionId, verdict.Status, verdict.FailedStates.Count);
                return verdict;
            }
        }

        logger.JobTimedOut(minionId, jid, o.JobTimeout);
        return new StateRunResult(
            StateRunStatus.MinionDidNotReturn, jid, [], $"minion {minionId} did not return job {jid} within {o.JobTimeout}");
    }

    public Task<bool> StartStatesAsync(
        string minionId, IReadOnlyList<string> states, JsonObject? pillar, string jid, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        ArgumentNullException.ThrowIfNull(states);
        IReadOnlyList<string> chosen = states.Count > 0 ? states : Options.EffectiveDefaultStates;
        var invalid = chosen.FirstOrDefault(s => !SaltNames.IsStateName(s));
        if (invalid is not null || chosen.Count == 0)
        {
            throw new ArgumentException($"'{invalid}' is not a state name.", nameof(states));
        }

        var lowstate = new Lowstate("local_async", "state.sls")
        {
            Arg = [string.Join(',', chosen)],
            Kwarg = pillar is null ? null : new JsonObject { ["pillar"] = pillar.DeepClone() },
        };
        return PublishAsync(minionId, lowstate, jid, cancellationToken);
    }

    public async Task FireEventAsync(string tag, JsonObject data, CancellationToken cancellationToken)
    {
        if (!SaltNames.IsHookTag(tag))
        {
            throw new ArgumentException($"'{tag}' is not an event tag (slash-separated letters, digits and . _ -).", nameof(tag));
        }

        ArgumentNullException.ThrowIfNull(data);
        var reply = await session.InvokeAsync(
            $"POST /hook/{tag}", (token, ct) => api.FireHookAsync(token, tag, data, ct), cancellationToken);
        if (!reply.Success)
        {
            throw SaltApiFailures.UnexpectedReply($"POST /hook/{tag}", "success is not true");
        }

        logger.EventFired(tag);
    }

    /// <summary>
    /// Publishes a state job to exactly one minion under the caller's jid; false when no accepted key matched
    /// (<c>local_async</c> then answers <c>{}</c> and publishes nothing).
    /// </summary>
    private async Task<bool> PublishAsync(string minionId, Lowstate job, string jid, CancellationToken cancellationToken)
    {
        if (!SaltJid.IsValid(jid))
        {
            throw new ArgumentException($"'{jid}' is not a jid (20 digits, optionally '_' and letters or digits).", nameof(jid));
        }

        var lowstate = job with { Tgt = [minionId], TgtType = TargetList, Jid = jid };
        var started = await session.InvokeAsync(
            $"local_async {job.Fun}", (token, ct) => api.StartJobAsync(token, [lowstate], ct), cancellationToken);
        if (started.First?.Jid is not { Length: > 0 } published)
        {
            logger.NoMatchingMinion(job.Fun, minionId);
            return false;
        }

        if (published != jid)
        {
            // The master chose another jid: a retry could then run the job twice, so this master is not fit to use.
            throw SaltApiFailures.UnexpectedReply($"local_async {job.Fun}", $"published under jid {published}, not the requested {jid}");
        }

        logger.JobPublished(job.Fun, minionId, jid);
        return true;
    }

    /// <summary>Runs one wheel function and returns <c>data.return</c>, or throws on <c>success: false</c>.</summary>
    private async Task<JsonElement> RunWheelAsync(Lowstate lowstate, CancellationToken cancellationToken)
    {
        var operation = $"wheel {lowstate.Fun}";
        var reply = await session.InvokeAsync(operation, (token, ct) => api.RunWheelAsync(token, [lowstate], ct), cancellationToken);
        var data = reply.First?.Data
            ?? throw SaltApiFailures.UnexpectedReply(operation, "return[0].data is missing");
        if (!data.Success)
        {
            throw data.Return.ValueKind == JsonValueKind.String
                ? SaltApiFailures.SaltSide(operation, data.Return.GetString() ?? "")
                : SaltApiFailures.UnexpectedReply(operation, "success is false");
        }

        return data.Return;
    }

    private static JsonObject KeyDirs(string keyDir, string minionId) => new() { [keyDir] = new JsonArray(minionId) };

    /// <summary>
    /// Where the exact id sits in a key listing (<c>{minions, minions_pre, minions_rejected, minions_denied}</c>).
    /// An operator's rejection or denial wins over a pending copy of the same id.
    /// </summary>
    private static MinionKeyState KeyStateIn(JsonElement keys, string minionId)
    {
        if (keys.ValueKind != JsonValueKind.Object)
        {
            return MinionKeyState.Absent;
        }

        bool In(string keyDir) =>
            keys.TryGetProperty(keyDir, out var ids) && ids.ValueKind == JsonValueKind.Array
            && ids.EnumerateArray().Any(id => id.ValueKind == JsonValueKind.String && id.ValueEquals(minionId));

        return In("minions") ? MinionKeyState.Accepted
            : In("minions_rejected") ? MinionKeyState.Rejected
            : In("minions_denied") ? MinionKeyState.Denied
            : In("minions_pre") ? MinionKeyState.Pending
            : MinionKeyState.Absent;
    }
}
