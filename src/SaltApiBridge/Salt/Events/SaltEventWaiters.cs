using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.Json;
using System.Text.Unicode;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Salt.Events;

/// <summary>
/// What the daemon waits for on salt-api's event stream, fed by <see cref="SaltEventStream"/>. A waiter registers
/// BEFORE its action (the event can beat the action's reply), then awaits: a pending key's auth attempt, a minion's
/// start, a job's return. Only the tags someone waits for are wanted (<see cref="Wants"/>) and only their data is
/// parsed; nothing of a payload is logged or kept beyond the verdict. <see cref="IsLive"/> says whether the stream is
/// connected and proven (its own probe came back); while it is not, waiters poll as before, and each time it becomes
/// proven again (<see cref="Proven"/>, <see cref="Changed"/>) they catch up with one lookup.
/// <para>For the status view it keeps the stream's state: connected, proven (<see cref="IsLive"/>), since when it is not,
/// and when the last event of any tag went by.</para>
/// </summary>
internal sealed class SaltEventWaiters(EventStreamMetrics metrics, string master = SaltApiOptions.DefaultMasterName, TimeProvider? timeProvider = null)
    : ISseTagFilter, IDisposable
{
    public const string AuthTag = "salt/auth";

    /// <summary>The hook the stream fires to prove itself (no reactor maps it; a hook needs no permission entry).</summary>
    public const string ProbeHookTag = BridgeEventTags.Prefix + "stream/probe";

    public const string ProbeEventTag = "salt/netapi/hook/" + ProbeHookTag;

    /// <summary>The beat of <see cref="Wake"/>: as often as a job wait on a proven stream used to re-arm a timer of its own (SaltApi:JobPollMaxInterval).</summary>
    public static readonly TimeSpan WakeInterval = TimeSpan.FromSeconds(15);

    private const string JobTagPrefix = "salt/job/";
    private const string JobTagInfix = "/ret/";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, WaitEntry<bool>> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WaitEntry<bool>> _starts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WaitEntry<JobEventReturn>> _jobs = new(StringComparer.Ordinal);
    private readonly Subject<long> _proven = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _beat;
    private bool _live;
    private long _generation;
    private string? _probeNonce;
    private TaskCompletionSource? _probe;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private DateTimeOffset? _notLiveSince = (timeProvider ?? TimeProvider.System).GetUtcNow();
    private long _lastEventTicks;
    private int _connected;

    /// <summary>The stream is connected and its probe came back: events can be trusted to arrive.</summary>
    public bool IsLive
    {
        get
        {
            lock (_gate)
            {
                return _live;
            }
        }
    }

    /// <summary>The stream's connection is open (proven or not yet).</summary>
    public bool IsConnected => Volatile.Read(ref _connected) == 1;

    /// <summary>Since when the stream is not proven (since start, before its first proof); null while it is.</summary>
    public DateTimeOffset? NotLiveSince
    {
        get
        {
            lock (_gate)
            {
                return _live ? null : _notLiveSince;
            }
        }
    }

    /// <summary>When the last event of any tag went by on the stream; null before the first.</summary>
    public DateTimeOffset? LastEventAt => Volatile.Read(ref _lastEventTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Called by the stream when its connection opens, and when it ends.</summary>
    public void SetConnected(bool connected) => Volatile.Write(ref _connected, connected ? 1 : 0);

    /// <summary>How many times the stream became proven.</summary>
    public long Generation
    {
        get
        {
            lock (_gate)
            {
                return _generation;
            }
        }
    }

    /// <summary>
    /// The generation while the stream is live, -1 while it is not, read at once. A wait that noted it before its
    /// last look trusts the stream only while it is unchanged: a different value means the stream was proven again
    /// since, and events may have been missed while it was down.
    /// </summary>
    public long LiveGeneration
    {
        get
        {
            lock (_gate)
            {
                return _live ? _generation : -1;
            }
        }
    }

    /// <summary>Completes at the next change of <see cref="IsLive"/> (down, or proven again).</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>
    /// Completes at the next change of <see cref="IsLive"/> and at the next beat of one shared timer (every
    /// <see cref="WakeInterval"/>): waits on a proven stream await it beside their event to look at their deadlines
    /// again, instead of arming a timer each. The timer starts with the first wait that asks.
    /// </summary>
    public Task Wake
    {
        get
        {
            lock (_gate)
            {
                _beat ??= StartBeat();
                return _wake.Task;
            }
        }
    }

    /// <summary>The generation each time the stream becomes proven: events may have been missed before it.</summary>
    public IObservable<long> Proven => _proven.AsObservable();

    /// <summary>Ends at the next <c>salt/auth</c> <c>act: pend</c> of exactly this id (a pending minion retries every 10 s).</summary>
    public SaltEventWaiter<bool> KeyPending(string minionId) => Register(_keys, minionId, null, renewCompleted: true);

    /// <summary><c>salt/minion/&lt;id&gt;/start</c>: the minion (re)connected. Registrations before and after share one event.</summary>
    public SaltEventWaiter<bool> MinionStarted(string minionId) =>
        Register(_starts, $"salt/minion/{minionId}/start", null, renewCompleted: false);

    /// <summary><c>salt/job/&lt;jid&gt;/ret/&lt;id&gt;</c>. Register before publishing with a chosen jid; the wait joins it.</summary>
    public SaltEventWaiter<JobEventReturn> JobReturned(string jid, string minionId) =>
        Register(_jobs, JobTagPrefix + jid + JobTagInfix + minionId, jid, renewCompleted: false);

    /// <summary>
    /// <paramref name="watch"/> when it is this stream's registration (still held) for job <paramref name="jid"/>'s return
    /// of <paramref name="minionId"/>, taken by <see cref="JobReturned"/> before the publish; null otherwise. A wait
    /// that has it waits on it instead of registering (and building the tag) a second time.
    /// </summary>
    public SaltEventWaiter<JobEventReturn>? JobWatch(IDisposable? watch, string jid, string minionId) =>
        watch is SaltEventWaiter<JobEventReturn> held && held.Awaits(this, JobTagPrefix, jid, JobTagInfix, minionId) ? held : null;

    /// <summary>Counts a lookup a waiter made instead of (or to catch up with) the stream.</summary>
    public void FallbackPoll(string kind, string reason) => metrics.FallbackPoll(kind, reason);

    public bool Wants(ReadOnlySpan<byte> tag)
    {
        // Every event's tag passes here once: the bus is alive, whoever the event is for.
        Volatile.Write(ref _lastEventTicks, _time.GetUtcNow().UtcTicks);
        Span<char> chars = stackalloc char[SseEventReader.MaxTagBytes];
        if (tag.Length > chars.Length || Utf8.ToUtf16(tag, chars, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        ReadOnlySpan<char> text = chars[..written];
        lock (_gate)
        {
            if (text.SequenceEqual(AuthTag))
            {
                return _keys.Count > 0;
            }

            if (text.SequenceEqual(ProbeEventTag))
            {
                return _probe is not null;
            }

            return (_starts.Count > 0 && _starts.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(text))
                || (_jobs.Count > 0 && _jobs.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(text));
        }
    }

    /// <summary>Hands a wanted event to its waiters. Data that cannot be read is a fallback, never an exception.</summary>
    public void Dispatch(SseEvent e)
    {
        if (e.Tag == AuthTag)
        {
            if (!e.Oversized && Read(e.Data, static d => d.GetProperty("act").ValueEquals("pend") ? d.GetProperty("id").GetString() : null) is { } id)
            {
                Complete(_keys, id, true, "key_pending");
            }

            return;
        }

        if (e.Tag == ProbeEventTag)
        {
            var nonce = e.Oversized ? null : Read(e.Data, static d => d.GetProperty("post").GetProperty("nonce").GetString());
            lock (_gate)
            {
                if (nonce is not null && nonce == _probeNonce)
                {
                    _probe?.TrySetResult();
                }
            }

            return;
        }

        if (Complete(_starts, e.Tag, true, "minion_start"))
        {
            return;
        }

        WaitEntry<JobEventReturn>? job;
        lock (_gate)
        {
            _jobs.TryGetValue(e.Tag, out job);
        }

        if (job is null || job.Source.Task.IsCompleted)
        {
            return;
        }

        var jid = job.Jid!;
        var verdict = e.Oversized
            ? new JobEventReturn(null, "the return was larger than SaltApi:EventStream:MaxEventBytes")
            : Read(e.Data, d => new JobEventReturn(StateReturnParser.Parse(jid, d), null))
              ?? new JobEventReturn(null, "the return on the event stream could not be read");
        if (job.Source.TrySetResult(verdict))
        {
            metrics.Matched("job_return");
        }
    }

    /// <summary>Waits for the stream's own probe with this nonce (the hook fired by <see cref="SaltEventStream"/>).</summary>
    public Task ExpectProbe(string nonce)
    {
        lock (_gate)
        {
            _probeNonce = nonce;
            _probe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _probe.Task;
        }
    }

    public void ClearProbe()
    {
        lock (_gate)
        {
            _probeNonce = null;
            _probe = null;
        }
    }

    /// <summary>Called by the stream: true once proven after a (re)connect, false when it drops or stalls.</summary>
    public void SetLive(bool live)
    {
        TaskCompletionSource changed;
        TaskCompletionSource wake;
        long generation;
        lock (_gate)
        {
            if (_live == live)
            {
                return;
            }

            _live = live;
            _notLiveSince = live ? null : _time.GetUtcNow();
            generation = live ? ++_generation : _generation;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wake = _wake;
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        metrics.SetConnected(master, live);
        changed.TrySetResult();
        wake.TrySetResult();
        if (live)
        {
            _proven.OnNext(generation);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _beat?.Dispose();
        }

        _proven.OnCompleted();
        _proven.Dispose();
    }

    /// <summary>The shared timer behind <see cref="Wake"/>, started without the first asker's context (its trace, its locals).</summary>
    private ITimer StartBeat()
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            return _time.CreateTimer(static state => ((SaltEventWaiters)state!).Beat(), this, WakeInterval, WakeInterval);
        }

        using (ExecutionContext.SuppressFlow())
        {
            return _time.CreateTimer(static state => ((SaltEventWaiters)state!).Beat(), this, WakeInterval, WakeInterval);
        }
    }

    private void Beat()
    {
        TaskCompletionSource wake;
        lock (_gate)
        {
            wake = _wake;
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>Reads <c>data.data</c> of a <c>{tag, data}</c> event; null when it is not that shape.</summary>
    private static T? Read<T>(ReadOnlyMemory<byte> data, Func<JsonElement, T?> read)
        where T : class
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("data", out var inner) && inner.ValueKind == JsonValueKind.Object
                ? read(inner)
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // Not the shape Salt sends: nothing to match (a job waiter still gets its GET /jobs).
            return null;
        }
    }

    private SaltEventWaiter<T> Register<T>(Dictionary<string, WaitEntry<T>> entries, string key, string? jid, bool renewCompleted)
    {
        WaitEntry<T>? entry;
        bool joined;
        lock (_gate)
        {
            joined = entries.TryGetValue(key, out entry) && !(renewCompleted && entry.Source.Task.IsCompleted);
            if (!joined)
            {
                entry = new WaitEntry<T>(jid, _live ? _generation : -1);
                entries[key] = entry;
            }

            entry!.Holders++;
        }

        return new SaltEventWaiter<T>(this, entries, key, entry, joined);
    }

    /// <summary>A registration lets go (once): the entry goes when its last holder did.</summary>
    internal void Release<T>(Dictionary<string, WaitEntry<T>> entries, string key, WaitEntry<T> entry)
    {
        lock (_gate)
        {
            if (--entry.Holders == 0 && entries.TryGetValue(key, out var current) && ReferenceEquals(current, entry))
            {
                entries.Remove(key);
            }
        }
    }

    private bool Complete(Dictionary<string, WaitEntry<bool>> entries, string key, bool value, string kind)
    {
        WaitEntry<bool>? entry;
        lock (_gate)
        {
            entries.TryGetValue(key, out entry);
        }

        if (entry is null)
        {
            return false;
        }

        if (entry.Source.TrySetResult(value))
        {
            metrics.Matched(kind);
        }

        return true;
    }
}
