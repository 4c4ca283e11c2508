using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Salt.Api;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Salt;

/// <summary>
/// <see cref="ISaltMaster"/> over salt-api. Targeting is always exact: <c>tgt_type: list</c> with the one id, and the
/// <c>*_dict</c> wheel functions for keys; ids are checked before they reach Salt (see <see cref="SaltNames"/>).
/// With <paramref name="events"/> (salt-api's event stream), the three waits end when the master's event arrives and
/// poll only while the stream is down or unproven, plus one lookup to catch up each time it is proven again.
/// </summary>
internal sealed class SaltApiMaster(
    SaltApiSession session,
    ISaltApi api,
    IOptions<SaltApiOptions> options,
    TimeProvider timeProvider,
    ILogger<SaltApiMaster> logger,
    SaltEventWaiters? events = null)
    : ISaltMaster
{
    private const string Wheel = "wheel";
    private const string TargetList = "list";

    // Start events awaited since our accept, until WaitUntilReachableAsync takes them (a golden-image launch never does).
    private readonly ConcurrentDictionary<string, ExpectedStart> _expectedStarts = new(StringComparer.Ordinal);

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

    public async Task<KeyFingerprint> GetKeyFingerprintAsync(string minionId, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        // key.finger globs like name_match (fixtures 55-58): exact for a checked id. {dir: {id: fingerprint}}, {} when none.
        var keys = await RunWheelAsync(new Lowstate(Wheel, "key.finger") { Match = minionId }, cancellationToken);
        if (keys.ValueKind != JsonValueKind.Object)
        {
            throw SaltApiFailures.UnexpectedReply("wheel key.finger", "data.return is not a fingerprint listing");
        }

        foreach (var (keyDir, state) in FingerprintOrder)
        {
            if (keys.TryGetProperty(keyDir, out var ids) && ids.ValueKind == JsonValueKind.Object
                && ids.TryGetProperty(minionId, out var finger) && finger.ValueKind == JsonValueKind.String)
            {
                var found = new KeyFingerprint(state, finger.GetString());
                logger.KeyState(minionId, state);
                return found;
            }
        }

        logger.KeyState(minionId, MinionKeyState.Absent);
        return KeyFingerprint.None;
    }

    public async Task<MinionKeyState> WaitForKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        var o = Options;
        var schedule = new PollSchedule(timeProvider, o.KeyWaitTimeout, o.KeyPollInterval, o.KeyPollMaxInterval);
        while (true)
        {
            // Registered before the lookup, so a key that arrives between the two is not missed.
            using var pending = events?.KeyPending(minionId);
            var covered = events?.LiveGeneration ?? -1;
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
            if (pending is null)
            {
                await schedule.WaitAsync(delay, cancellationToken);
                continue;
            }

            // The pend event ends the wait at once. While the stream is proven nothing else is asked of the master but a
            // look every SafetyPollInterval: a pending minion repeats its salt/auth every acceptance_wait_time (10 s), so
            // one lost event costs seconds. A stream proven again since the lookup began may have missed the key's
            // event: one lookup at once. While it is down, the poll schedule, as without a stream.
            var now = events!.LiveGeneration;
            var wait = now < 0 ? delay : o.EventStream.SafetyPollInterval < schedule.Remaining ? o.EventStream.SafetyPollInterval : schedule.Remaining;
            var signalled = now >= 0 && now != covered
                || await SignalledWithinAsync(wait, pending.Task, events.Changed, cancellationToken);
            if (pending.IsCompleted)
            {
                // The master said so itself: a salt/auth with act "pend" is sent only for a key in minions_pre (a
                // rejected or denied one is answered "reject"/"denied"), so no lookup is needed to confirm it.
                logger.KeyState(minionId, MinionKeyState.Pending);
                return MinionKeyState.Pending;
            }

            if (!pending.IsCompleted)
            {
                events.FallbackPoll("key", signalled ? "reconnect" : now >= 0 ? "schedule" : "stream_down");
            }
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

        // The accepted minion announces itself (salt/minion/<id>/start) some seconds later: listen before accepting.
        var start = ExpectStart(minionId);
        try
        {
            var moved = await RunWheelAsync(accept, cancellationToken);
            if (KeyStateIn(moved, minionId) == MinionKeyState.Accepted)
            {
                logger.KeyAccepted(minionId);
                KeepExpectedStart(minionId, ref start);
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
        finally
        {
            // Kept only when our accept moved the key; otherwise no start event is ours to wait for.
            start?.Waiter.Dispose();
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
        // After our accept the minion announces itself (salt/minion/<id>/start): publish then, no ping needed, as long
        // as the stream stayed proven since just before the accept. A key accepted earlier (a resumed launch) sends
        // none: one ping at once, then pings as before, or its start event.
        var expected = _expectedStarts.TryRemove(minionId, out var taken) ? taken : null;
        using var started = expected?.Waiter ?? events?.MinionStarted(minionId);
        var covered = expected?.Waiter.CoveredFrom ?? -1;
        var pingNow = expected is null || covered < 0 || events!.LiveGeneration != covered;
        while (true)
        {
            if (started?.IsCompleted == true)
            {
                logger.StartAnnounced(minionId);
                return true;
            }

            if (pingNow)
            {
                if (events is not null)
                {
                    covered = events.LiveGeneration;
                    events.FallbackPoll("ping", covered < 0 ? "stream_down" : expected is null ? "no_start_expected" : "reconnect");
                }

                if (await PingAsync(minionId, cancellationToken) is { } answer)
                {
                    return answer;
                }
            }

            if (schedule.NextDelay() is not { } delay)
            {
                // The stream is never the only path: one last look before giving up on a start event.
                if (!pingNow && await PingAsync(minionId, cancellationToken) == true)
                {
                    return true;
                }

                logger.ReachableWaitExpired(minionId, schedule.Timeout);
                return false;
            }

            logger.NotReachableYet(minionId, delay);
            if (started is null)
            {
                await schedule.WaitAsync(delay, cancellationToken);
                pingNow = true;
                continue;
            }

            // While the stream stays proven after our accept, only the start event leads on; proven again since the
            // last look, one ping (the event may have gone out while it was down); down, pings as before. A minion
            // accepted earlier may be connected already and send none: it keeps being pinged.
            var now = events!.LiveGeneration;
            if (now >= 0 && now != covered)
            {
                pingNow = true;
                continue;
            }

            await SignalledWithinAsync(delay, started.Task, events.Changed, cancellationToken);
            pingNow = !started.IsCompleted && (now < 0 || expected is null || events.LiveGeneration < 0);
        }
    }

    /// <summary>One short test.ping: true when it answers, false when no accepted key matched (waiting won't help), else null.</summary>
    private async Task<bool?> PingAsync(string minionId, CancellationToken cancellationToken)
    {
        var o = Options;
        var ping = new Lowstate("local", "test.ping")
        {
            Tgt = [minionId],
            TgtType = TargetList,
            Timeout = o.PingTimeoutSeconds,
            GatherJobTimeout = o.PingGatherJobTimeoutSeconds,
        };
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

        return null;
    }

    public async Task DeleteKeyAsync(string minionId, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        // delete_dict returns {} whether or not the key existed: an absent key is success.
        await RunWheelAsync(
            new Lowstate(Wheel, "key.delete_dict") { Match = KeyDirs("minions", minionId) }, cancellationToken);
        logger.KeyDeleted(minionId);
    }

    public Task<string?> StartHighstateAsync(string minionId, string jid, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        return PublishAsync(minionId, new Lowstate("local_async", "state.highstate"), jid, cancellationToken);
    }

    public IDisposable WatchJob(string minionId, string jid)
    {
        SaltNames.EnsureExactMinionId(minionId);
        ArgumentException.ThrowIfNullOrEmpty(jid);
        return events?.JobReturned(jid, minionId) ?? System.Reactive.Disposables.Disposable.Empty;
    }

    public async Task<StateRunResult> WaitForJobAsync(string minionId, string jid, bool resumed, IDisposable? watch, CancellationToken cancellationToken)
    {
        SaltNames.EnsureExactMinionId(minionId);
        ArgumentException.ThrowIfNullOrEmpty(jid);
        var o = Options;
        var schedule = new PollSchedule(timeProvider, o.JobTimeout, o.JobPollInterval, o.JobPollMaxInterval);
        // Waits on the watch taken before the publish (WatchJob), or joins one: on a stream proven since then, nothing
        // can have been missed. A job watched only now may have returned already: one look catches up (once the stream
        // is proven). The caller's watch stays the caller's to dispose.
        var watched = events?.JobWatch(watch, jid, minionId);
        using var own = watched is null ? events?.JobReturned(jid, minionId) : null;
        var returned = watched ?? own;
        var joined = watched is not null || own is { Joined: true };
        var covered = joined ? returned!.CoveredFrom : -1;
        // A resumed job was published long ago: look at once, and a job the master does not know then is lost, not late.
        var lookNow = resumed;
        var why = resumed ? "resumed" : "stream_down";
        var firstLook = resumed;
        var looked = false;
        var fallBack = false;
        var lastLook = timeProvider.GetTimestamp();
        var lookedAtDeadline = false;
        while (true)
        {
            if (returned is { IsCompleted: true } && !fallBack)
            {
                var seen = await returned.Task;
                if (seen.Verdict is { } fromEvent)
                {
                    logger.JobFinished(jid, minionId, fromEvent.Status, fromEvent.FailedStates.Count);
                    return fromEvent;
                }

                // Too big to keep, or unreadable: the job cache has the same return.
                logger.JobReturnFallback(jid, minionId, seen.FallbackReason ?? "unreadable");
                fallBack = lookNow = true;
                why = "oversized";
            }

            if (!lookNow)
            {
                // Taken before the generation is read, so a change between the two still wakes this wait at once.
                var changed = events?.Changed;
                var wake = events?.Wake;
                var now = events?.LiveGeneration ?? -1;
                if (returned is { IsCompleted: false } && now >= 0 && now != covered)
                {
                    // Proven since the last look (or never looked while proven): its return may have been missed.
                    why = looked || joined ? "reconnect" : "catch_up";
                }
                else if (returned is { IsCompleted: false } && now >= 0 && timeProvider.GetElapsedTime(lastLook) >= o.EventStream.SafetyPollInterval)
                {
                    // A return lost on a stream that looks healthy must not hold the instance until the job timeout.
                    why = "safety";
                }
                else if (schedule.NextDelay() is { } delay)
                {
                    logger.JobRunning(jid, minionId, delay);
                    if (returned is null || returned.IsCompleted)
                    {
                        await schedule.WaitAsync(delay, cancellationToken);
                    }
                    else if (now >= 0)
                    {
                        // Proven: no polls, the return comes as an event, and no timer of its own either: the shared wake
                        // (the stream changing, or its beat) has the wait look at its safety look and deadline again.
                        // Only the last stretch before one of them is timed here, so neither comes late.
                        await WakeOrDueAsync(returned.Task, wake!, changed!, DueIn(schedule, lastLook), cancellationToken);
                        continue;
                    }
                    else
                    {
                        // Down or unproven: the poll schedule, as without a stream, unless it is proven meanwhile.
                        var signalled = await SignalledWithinAsync(delay, returned.Task, changed!, cancellationToken);
                        if (returned.IsCompleted || signalled)
                        {
                            continue;
                        }

                        why = "stream_down";
                    }
                }
                else if (returned is { IsCompleted: false } && !lookedAtDeadline)
                {
                    // The deadline, with polls skipped for a proven stream: one last look before calling the job lost.
                    why = "deadline";
                    lookedAtDeadline = true;
                }
                else
                {
                    break;
                }
            }

            var firstLookAfterResume = firstLook;
            firstLook = false;
            lookNow = false;
            looked = true;
            lastLook = timeProvider.GetTimestamp();
            if (events is not null)
            {
                // Noted before the look: a stream proven again during it gets one more.
                covered = events.LiveGeneration;
                events.FallbackPoll("job", why);
            }

            var reply = await session.InvokeAsync(
                "GET /jobs/" + jid, (api, jid), static (token, job, ct) => job.api.GetJobAsync(token, job.jid, ct), cancellationToken);
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

    public Task<string?> StartStatesAsync(
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
    private async Task<string?> PublishAsync(string minionId, Lowstate job, string jid, CancellationToken cancellationToken)
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
            return null;
        }

        if (published != jid)
        {
            // The job runs under the master's jid: throwing now would have a redelivery publish yet another one.
            logger.JidIgnored(job.Fun, minionId, published, jid);
            return published;
        }

        logger.JobPublished(job.Fun, minionId, jid);
        return jid;
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

    /// <summary>Until the job's safety look or its deadline, whichever comes first (zero when one is due).</summary>
    private TimeSpan DueIn(PollSchedule schedule, long lastLook)
    {
        var safety = Options.EventStream.SafetyPollInterval - timeProvider.GetElapsedTime(lastLook);
        var due = safety < schedule.Remaining ? safety : schedule.Remaining;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    /// <summary>
    /// Waits for the job's return or the stream's shared wake; within one beat of <paramref name="due"/>, for the
    /// return, a change of the stream, or <paramref name="due"/> itself (a timer then, as seldom as once per look).
    /// </summary>
    private Task WakeOrDueAsync(Task returned, Task wake, Task changed, TimeSpan due, CancellationToken cancellationToken) =>
        due <= SaltEventWaiters.WakeInterval
            ? SignalledWithinAsync(due, returned, changed, cancellationToken)
            : Task.WhenAny(returned, wake).WaitAsync(cancellationToken);

    /// <summary>Waits for either signal or the delay: true when a signal came first.</summary>
    private async Task<bool> SignalledWithinAsync(TimeSpan delay, Task first, Task second, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var elapsed = Task.Delay(delay, timeProvider, timer.Token);
        var winner = await Task.WhenAny(first, second, elapsed);
        await timer.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return winner != elapsed;
    }

    /// <summary>A start-event registration for an accept about to be made; none while the stream is not proven.</summary>
    private ExpectedStart? ExpectStart(string minionId) =>
        events is { IsLive: true } live ? new ExpectedStart(live.MinionStarted(minionId), timeProvider.GetUtcNow()) : null;

    /// <summary>Hands the registration over to WaitUntilReachableAsync; ones nobody took within twice ReachableTimeout are let go.</summary>
    private void KeepExpectedStart(string minionId, ref ExpectedStart? start)
    {
        if (start is null)
        {
            return;
        }

        var stale = timeProvider.GetUtcNow() - (2 * Options.ReachableTimeout);
        foreach (var (id, old) in _expectedStarts)
        {
            if ((old.Since < stale || id == minionId) && _expectedStarts.TryRemove(new KeyValuePair<string, ExpectedStart>(id, old)))
            {
                old.Waiter.Dispose();
            }
        }

        _expectedStarts[minionId] = start;
        start = null;
    }

    /// <summary>The key the minion presents wins: a denied or rejected one over a stale accepted copy of the same id.</summary>
    private static readonly (string KeyDir, MinionKeyState State)[] FingerprintOrder =
    [
        ("minions_denied", MinionKeyState.Denied),
        ("minions_rejected", MinionKeyState.Rejected),
        ("minions", MinionKeyState.Accepted),
        ("minions_pre", MinionKeyState.Pending),
    ];

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
