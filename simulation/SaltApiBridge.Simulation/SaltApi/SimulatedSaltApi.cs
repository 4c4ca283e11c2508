using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Simulation;

/// <summary>
/// A stateful salt-api (rest_cherrypy of Salt 3006.10) for many minions, on Kestrel on a loopback port (the demo,
/// benchmarks and tests). Every answer is a captured transcript (same status, headers and body text) with only the
/// minion id, the jids and the key lists swapped in; 401s are the captured HTML. Each reply can take the time the real
/// master took, scaled by <see cref="LatencyScale"/>. Records each call per minion, and every lowstate that does not
/// target exactly one id.
/// <para>What it models of the master and its minions (fixtures 47–50 and their README section):</para>
/// <list type="bullet">
/// <item>Keys appear as pending when first looked up (the minion booted, after <see cref="KeyArrivalDelay"/>);
/// key.list_all lists every key (transcript 03's envelope). An accepted minion answers test.ping only once it has
/// reconnected, <see cref="MinionStartDelay"/> after the accept (transcript 09 before).</item>
/// <item><c>local_async</c> with a <c>jid</c> in the lowstate publishes under exactly that jid (47), without one it
/// makes one up. A jid the minion has already seen (its last <see cref="MinionJidQueueHwm"/>) gets the same reply and
/// is published again, but not run again (48). A state function published under a new jid while another state run
/// runs on that minion returns at once, as its result, the minion's refusal (49), and is recorded as a violation.
/// <see cref="StateRunsStarted(string)"/> counts what minions actually ran; <see cref="PublishedJids"/> what was published.
/// Jobs finish after <see cref="JobDuration"/>, failing for <see cref="FailingMinions"/>.</item>
/// <item><c>GET /events</c> (token in <c>X-Auth-Token</c> or <c>?token=</c>, 401 HTML otherwise) streams the bus as
/// transcript 50 shows it: <c>retry: 400</c>, then <c>salt/auth</c> pend every <see cref="AcceptanceWaitTime"/> while
/// a key is pending; <c>salt/key</c> accept; the minion's <c>salt/auth</c> accept, <c>minion_start</c> and
/// <c>salt/minion/&lt;id&gt;/start</c> when it reconnects; <c>&lt;jid&gt;</c> and <c>salt/job/&lt;jid&gt;/new</c> on
/// each publish; <c>salt/job/&lt;jid&gt;/ret/&lt;id&gt;</c> when a minion returns (and
/// <c>salt/job/&lt;jid&gt;/sub/&lt;id&gt;/error/state.sls</c> for a failing state); <c>salt/run/&lt;jid&gt;/new</c>
/// and <c>…/ret</c> for each <c>GET /jobs</c>; <c>salt/netapi/hook/&lt;path&gt;</c> for hooks; <c>salt/key</c> delete.
/// Every open stream gets every event.</item>
/// <item>wheel <c>key.finger</c> (an exact id, as <c>key.name_match</c>) and <c>key.finger_master</c> answer as fixtures
/// 55–58, with the fingerprints of <see cref="SimulatedMinions"/>.</item>
/// <item>Several masters made over one <see cref="SimulatedMinions"/> are a multi-master Salt: each keeps its own keys
/// (unless shared pki), job cache, jids, calls and bus; the minions' boot, keys' fingerprints, running state run and
/// state-run totals are shared (see there). Made without one, a master has its own minions.</item>
/// </list>
/// <para>Fault knobs: <see cref="Stall"/>, <see cref="Interceptor"/> and <see cref="ReplyFilter"/> on every request;
/// for the event stream <see cref="DropEventStreams"/> (close every open stream), <see cref="StallEventStreams"/>
/// (keep them open, send nothing), <see cref="Flood"/> (foreign events per second, with large returns),
/// <see cref="OversizedReturns"/> (a return of a given size for a jid), <see cref="RefuseEventStreams"/> (401 to
/// <c>/events</c>) and <see cref="ReturnBeforePublishReply"/> (the job's return event is sent before the
/// <c>local_async</c> reply).</para>
/// </summary>
internal sealed partial class SimulatedSaltApi : IAsyncDisposable
{
    /// <summary>Salt's default <c>minion_jid_queue_hwm</c>: how many jids a minion remembers to drop repeats.</summary>
    public const int MinionJidQueueHwm = 100;

    private const string CapturedMinion = "my-asg-i-0123456789abcdef0";
    private const string CapturedJid = "20261125113337614027";
    private const string CapturedFailedJid = "20261125113351701657";
    private const string CapturedRefusedJid = "20261129144259569980";
    private const string CapturedRunningJid = "20261129144256000001";
    private const string CapturedRunningStart = "2026, Nov 29 14:42:56.000001";

    private readonly ConcurrentDictionary<string, string> keys;
    private readonly ConcurrentQueue<SimulatedReturn> returns = new();
    private readonly ConcurrentDictionary<string, SimulatedJob> jobs = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> reconnects = new(StringComparer.Ordinal);
    // The minion's jid queue of its connection to this master (one per master: a jid through another master runs again).
    private readonly Dictionary<string, Queue<string>> seenJids = new(StringComparer.Ordinal);
    private readonly List<(string MinionId, string Jid)> publishes = [];
    private readonly ConcurrentQueue<SaltCall> calls = new();
    private readonly ConcurrentQueue<string> violations = new();
    private readonly ConcurrentBag<ITimer> timers = [];
    private readonly SaltEventBus bus = new();
    private readonly string token = JsonNode.Parse(CapturedReply.Load("01").Body)!["return"]![0]!["token"]!.GetValue<string>();
    private readonly int port;
    private readonly TimeProvider time;
    private readonly SimulatedMinions minions;
    private readonly bool ownsMinions;
    private readonly decimal firstJid;
    private WebApplication? server;
    private ITimer? flood;
    private long nextJid;
    private volatile bool disposed;

    /// <param name="port">0 picks a free loopback port.</param>
    /// <param name="timeProvider">Null: the clock of <paramref name="minions"/>, else the system's.</param>
    /// <param name="minions">
    /// The minions this master shares with other masters made over the same instance; null: its own (one master).
    /// </param>
    public SimulatedSaltApi(int port = 0, TimeProvider? timeProvider = null, SimulatedMinions? minions = null)
    {
        this.port = port == 0 ? LoopbackPort.Free() : port;
        time = timeProvider ?? minions?.Time ?? TimeProvider.System;
        ownsMinions = minions is null;
        this.minions = minions ?? new SimulatedMinions(MinionTopology.Hot, time);
        keys = this.minions.KeyStore();
        // Each master numbers its own jids; a billion apart keeps two masters' made-up jids from meeting.
        firstJid = 20261125000000000000m + this.minions.Attach(this) * 1_000_000_000m;
        Up();
    }

    /// <summary>The minions this master talks to (shared with the other masters made over them).</summary>
    public SimulatedMinions Minions => minions;

    /// <summary>Whether salt-api listens (between <see cref="Down"/> and <see cref="Up"/> it does not; the master keeps its state).</summary>
    public bool IsUp => server is not null;

    internal TimeProvider Time => time;

    /// <summary>Each reply waits this fraction of the time the real master took for it (0: answer at once); also scales the minion's timings.</summary>
    public double LatencyScale { get; set; }

    /// <summary>Called before each request is answered; a non-null reply replaces the simulated one (fault injection).</summary>
    public Func<SaltApiRequest, SaltApiReply?>? Interceptor { get; set; }

    /// <summary>
    /// How long each request waits before anything else happens to it (a master too busy to answer within the client's
    /// timeout). Asked first, before <see cref="Interceptor"/>: with a replaced reply the master never acts; without
    /// one it acts late.
    /// </summary>
    public Func<SaltApiRequest, TimeSpan>? Stall { get; set; }

    /// <summary>Called with each simulated reply after the master acted on the request; its result is sent instead (a reply cut off, slowed or lost after the fact).</summary>
    public Func<SaltApiRequest, SaltApiReply, SaltApiReply>? ReplyFilter { get; set; }

    /// <summary>Raised for each recorded call (progress views).</summary>
    public event Action<SaltCall>? Called;

    public string BaseUrl => $"http://127.0.0.1:{port}";

    /// <summary>How long the highstate (or state.sls) of a minion runs before /jobs shows it done and its return event is sent.</summary>
    public Func<string, TimeSpan> JobDuration { get; set; } = _ => TimeSpan.Zero;

    /// <summary>
    /// Called with the minion and function of each state run this master starts: a task returned holds the run (the
    /// minion still at it, /jobs showing it running) until it completes, and only then does <see cref="JobDuration"/>
    /// start counting. A scenario that needs a run in progress at some moment holds it until then.
    /// </summary>
    public Func<string, string, Task?>? HoldStateRun { get; set; }

    /// <summary>Minions whose state runs fail (the answer of transcript 22).</summary>
    public ConcurrentDictionary<string, bool> FailingMinions { get; } = new();

    /// <summary>When false, an unknown id stays absent on this master instead of showing up as a pending key.</summary>
    public bool KeysArriveOnLookup { get; set; } = true;

    /// <summary>
    /// How long after its first lookup a minion's key shows up as pending (the instance is still booting): the
    /// <see cref="SimulatedMinions.KeyArrivalDelay"/> of <see cref="Minions"/>, shared by every master over them.
    /// </summary>
    public Func<string, TimeSpan> KeyArrivalDelay
    {
        get => minions.KeyArrivalDelay;
        set => minions.KeyArrivalDelay = value;
    }

    /// <summary>How often a pending minion retries authentication (<c>acceptance_wait_time</c>); null: 10 s × <see cref="LatencyScale"/>.</summary>
    public TimeSpan? AcceptanceWaitTime { get; set; }

    /// <summary>How long after its key is accepted a minion is back and answers test.ping (6.3 s in transcript 50); null: 6.3 s × <see cref="LatencyScale"/>.</summary>
    public TimeSpan? MinionStartDelay { get; set; }

    /// <summary>The eauth password /login accepts (any other gets the captured 401 HTML); null accepts any.</summary>
    public string? Password { get; set; }

    /// <summary>Clients left out of netapi_enable_clients: a lowstate naming one gets the captured 400 HTML.</summary>
    public ConcurrentDictionary<string, bool> DisabledClients { get; } = new();

    /// <summary>Event-stream fault: <c>GET /events</c> gets the captured 401 page, as with a bad token.</summary>
    public bool RefuseEventStreams { get; set; }

    /// <summary>Event-stream fault: open streams stay open but send nothing more (a dead proxy) while true.</summary>
    public bool StallEventStreams
    {
        get => bus.Stalled;
        set => bus.Stalled = value;
    }

    /// <summary>Event-stream fault: the return event of these jids carries a return of (at least) this many bytes.</summary>
    public ConcurrentDictionary<string, int> OversizedReturns { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Event-stream fault: the HTTP reply of a <c>local_async</c> state run is held until its return event was sent
    /// (the return beats the publish reply).
    /// </summary>
    public bool ReturnBeforePublishReply { get; set; }

    /// <summary>Event streams open right now.</summary>
    public int OpenEventStreams => bus.OpenStreams;

    public IReadOnlyList<SaltCall> Calls => [.. calls];

    /// <summary>Lowstates that targeted anything but one exact minion id, and state runs a minion refused because another ran.</summary>
    public IReadOnlyList<string> Violations => [.. violations];

    public int Logins => Calls.Count(c => c.What == "login");

    /// <summary>Every minion return, when its <c>ret</c> event went out (the moment the master knew the job's outcome).</summary>
    public IReadOnlyList<SimulatedReturn> Returns => [.. returns];

    /// <summary>State runs the minion actually started (refused and repeated publishes not counted), through any master of its <see cref="Minions"/>.</summary>
    public int StateRunsStarted(string minionId) => minions.StateRunsStarted(minionId);

    /// <summary>State runs of one function (<c>state.highstate</c>, <c>state.sls</c>) the minion actually started, through any master.</summary>
    public int StateRunsStarted(string minionId, string function) => minions.StateRunsStarted(minionId, function);

    /// <summary>Every jid published to the minion through this master, in order, repeats included.</summary>
    public IReadOnlyList<string> PublishedJids(string minionId)
    {
        lock (minions.Gate)
            return [.. publishes.Where(p => p.MinionId == minionId).Select(p => p.Jid)];
    }

    /// <summary>Puts the minion's key in <paramref name="keyDirectory"/> of this master (of every master, with shared pki); pending starts its salt/auth pend here.</summary>
    public void SetKey(string minionId, string keyDirectory)
    {
        keys[minionId] = keyDirectory;
        if (keyDirectory == "minions_pre")
            Pending(minionId);
    }

    public string? KeyOf(string minionId) => keys.TryGetValue(minionId, out var dir) ? dir : null;

    /// <summary>The calls for one minion, without the /jobs polls (their number depends on timing).</summary>
    public IReadOnlyList<string> CallsFor(string minionId) =>
        [.. Calls.Where(c => c.MinionId == minionId && c.What != "jobs").Select(c => c.What)];

    /// <summary>Event-stream fault: closes every open <c>/events</c> stream (clients see the connection end).</summary>
    public void DropEventStreams() => bus.DropAll();

    /// <summary>
    /// Event-stream fault: <paramref name="eventsPerSecond"/> events of other users' jobs on other minions
    /// (<c>salt/job/&lt;jid&gt;/new</c>, then its <c>ret</c> with a return of <paramref name="returnBytes"/>); 0 stops.
    /// </summary>
    public void Flood(int eventsPerSecond, int returnBytes = 0)
    {
        flood?.Dispose();
        flood = null;
        if (eventsPerSecond <= 0)
            return;
        var padding = new string('x', Math.Max(0, returnBytes));
        var perTick = eventsPerSecond / 10.0;
        var owed = 0.0;
        long count = 0;
        flood = time.CreateTimer(_ =>
        {
            owed += perTick;
            for (; owed >= 1; owed--)
            {
                var n = Interlocked.Increment(ref count);
                var jid = (20261199000000000000m + n).ToString(CultureInfo.InvariantCulture);
                var minion = $"other-team-{n % 50:D2}";
                if (n % 2 == 1)
                {
                    bus.Publish($"salt/job/{jid}/new", new JsonObject
                    {
                        ["jid"] = jid, ["tgt_type"] = "glob", ["tgt"] = "other-team-*", ["user"] = "ops", ["fun"] = "cmd.run",
                        ["arg"] = new JsonArray("uptime"), ["minions"] = new JsonArray(minion), ["missing"] = new JsonArray(), ["_stamp"] = Stamp(),
                    });
                }
                else
                {
                    bus.Publish($"salt/job/{jid}/ret/{minion}", new JsonObject
                    {
                        ["cmd"] = "_return", ["id"] = minion, ["success"] = true, ["return"] = padding, ["retcode"] = 0, ["jid"] = jid,
                        ["fun"] = "cmd.run", ["fun_args"] = new JsonArray("uptime"), ["user"] = "ops", ["_stamp"] = Stamp(),
                    });
                }
            }
        }, null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    /// <summary>salt-api stops: open streams end, connections are refused until <see cref="Up"/>.</summary>
    public void Down()
    {
        if (server is null)
            return;
        bus.DropAll();
        server.StopAsync().GetAwaiter().GetResult();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        server = null;
    }

    /// <summary>salt-api listens again on the same port, with the keys and jobs it had.</summary>
    public void Up()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, EnvironmentName = "Simulation" });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.UseKestrel(kestrel =>
        {
            // The captured Server header is sent instead.
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        app.StartAsync().GetAwaiter().GetResult();
        server = app;
    }

    public ValueTask DisposeAsync()
    {
        disposed = true;
        flood?.Dispose();
        foreach (var timer in timers)
            timer.Dispose();
        Down();
        if (ownsMinions)
            minions.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var request = new SaltApiRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "/",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await reader.ReadToEndAsync(context.RequestAborted));
        if (request.Path == "/events" && request.Method == "GET")
        {
            await StreamEventsAsync(context, request);
            return;
        }

        // A client that gives up does not stop the master: it acts late (the timeout faults).
        if (Stall?.Invoke(request) is { } stall && stall > TimeSpan.Zero)
            await Task.Delay(stall, time);
        if (Interceptor?.Invoke(request) is { } replaced)
        {
            await WriteAsync(context, replaced);
            return;
        }

        var (reply, latency, returned) = Answer(request);
        if (LatencyScale > 0 && latency > TimeSpan.Zero)
            await Task.Delay(latency * LatencyScale, time);
        if (returned is not null)
            await returned;
        await WriteAsync(context, ReplyFilter is { } filter ? filter(request, reply) : reply);
    }

    private static async Task WriteAsync(HttpContext context, SaltApiReply reply)
    {
        try
        {
            context.Response.StatusCode = reply.Status;
            foreach (var (name, value) in reply.Headers)
            {
                // Kestrel writes its own Content-Length, Date and framing for the rewritten body.
                if (name is not ("Content-Length" or "Date" or "Transfer-Encoding"))
                    context.Response.Headers.Append(name, value);
            }

            var body = Encoding.UTF8.GetBytes(reply.Body);
            if (reply.StallMidway <= TimeSpan.Zero && !reply.ResetMidway)
            {
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body, context.RequestAborted);
                return;
            }

            var half = body.Length / 2;
            await context.Response.Body.WriteAsync(body.AsMemory(0, half), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (reply.ResetMidway)
            {
                context.Abort();
                return;
            }

            await Task.Delay(reply.StallMidway, context.RequestAborted);
            await context.Response.Body.WriteAsync(body.AsMemory(half), context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The client went away; nothing to tell it.
        }
    }

    private async Task StreamEventsAsync(HttpContext context, SaltApiRequest request)
    {
        // salt-api takes the token from the header or, for browsers' EventSource, from the query string.
        var sent = request.Header("X-Auth-Token")
            ?? (QueryToken().Match(request.Query) is { Success: true } match ? Uri.UnescapeDataString(match.Groups[1].Value) : null);
        if (sent != token || RefuseEventStreams)
        {
            await WriteAsync(context, Reply("28").Message);
            return;
        }

        Record(null, "events");
        using var subscription = bus.Subscribe();
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, subscription.Dropped);
        try
        {
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            context.Response.StatusCode = 200;
            foreach (var (name, value) in CapturedReply.Load("50").Headers)
            {
                if (name is not ("Content-Length" or "Date" or "Transfer-Encoding"))
                    context.Response.Headers.Append(name, value);
            }

            await context.Response.WriteAsync("retry: 400\n", ended.Token);
            await context.Response.Body.FlushAsync(ended.Token);
            await foreach (var text in subscription.Events.ReadAllAsync(ended.Token))
            {
                if (bus.Stalled)
                    continue;
                await context.Response.WriteAsync(text, ended.Token);
                await context.Response.Body.FlushAsync(ended.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            if (subscription.Dropped.IsCancellationRequested)
                context.Abort();
        }
    }

    private (SaltApiReply Message, TimeSpan Latency, Task? Returned) Answer(SaltApiRequest request)
    {
        if (request.Path == "/login")
        {
            Record(null, "login");
            var password = JsonNode.Parse(request.Body is { Length: > 0 } b ? b : "{}")?["password"]?.GetValue<string>();
            return Plain(Password is null || password == Password ? Reply("01") : Reply("02"));
        }

        if (request.Header("X-Auth-Token") != token)
            return Plain(Reply("28"));

        if (request.Path == "/logout")
        {
            Record(null, "logout");
            return Plain(Reply("39"));
        }

        if (request.Path.StartsWith("/hook/", StringComparison.Ordinal))
        {
            var post = JsonNode.Parse(request.Body is { Length: > 0 } b ? b : "{}");
            var minion = post?["minion_id"]?.GetValue<string>();
            Record(minion, "hook " + request.Path["/hook/".Length..]);
            var headers = new JsonObject { ["Remote-Addr"] = "127.0.0.1" };
            foreach (var (name, value) in request.Headers)
                headers[name] = value;
            bus.Publish("salt/netapi" + request.Path, new JsonObject
            {
                ["body"] = request.Body, ["post"] = post?.DeepClone(), ["headers"] = headers, ["_stamp"] = Stamp(),
            });
            return Plain(Reply("26"));
        }

        if (request.Path.StartsWith("/jobs/", StringComparison.Ordinal))
            return Plain(JobStatus(request.Path["/jobs/".Length..]));

        if (request.Path == "/" && request.Method == "POST")
        {
            var parsed = JsonNode.Parse(request.Body is { Length: > 0 } b ? b : "[]");
            var lowstate = (parsed is JsonArray { Count: > 0 } array ? array[0] : parsed) as JsonObject ?? [];
            return Lowstate(lowstate);
        }

        violations.Enqueue($"unexpected request {request.Method} {request.Path}");
        return Plain(Reply("30"));
    }

    private (SaltApiReply Message, TimeSpan Latency, Task? Returned) Lowstate(JsonObject lowstate)
    {
        var client = lowstate["client"]?.GetValue<string>();
        var fun = lowstate["fun"]?.GetValue<string>();
        if (client is not null && DisabledClients.ContainsKey(client))
            return Plain(Reply("29", body: CapturedReply.Load("29").Body.Replace("'ssh'", $"'{client}'", StringComparison.Ordinal)));
        if (client == "wheel")
            return Plain(Wheel(fun, lowstate["match"], lowstate));

        if (lowstate["tgt_type"]?.GetValue<string>() != "list" || lowstate["tgt"] is not JsonArray { Count: 1 } tgt)
        {
            violations.Enqueue($"{client} {fun} targets {lowstate["tgt"]?.ToJsonString()} as {lowstate["tgt_type"]}");
            return Plain(Reply("30"));
        }

        var minion = tgt[0]!.GetValue<string>();
        var args = lowstate["arg"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : [];
        var arguments = args.Count > 0 ? " " + string.Join(",", args) : "";
        Record(minion, $"{client} {fun}{arguments}");
        var accepted = KeyOf(minion) == "minions";
        switch (client, fun)
        {
            case ("local", "test.ping"):
                if (!accepted)
                    return Plain(Reply("11"));
                // A minion not connected here (failover to another master, instance gone) does not answer (33: accepted, not running).
                if (!minions.TalksTo(minion, this))
                    return Plain(Reply("33", minion));
                if (!Reconnected(minion))
                    return Plain(Reply("09", minion));
                // A sync call is a published job too: the bus shows it and its return at once.
                var now = time.GetUtcNow();
                var ping = new SimulatedJob(NextJid(), minion, "test.ping", "", now, now, Fails: false);
                Publish(ping, lowstate);
                ReturnOf(ping, JsonValue.Create(true), 0, success: true);
                return Plain(Reply("10", minion));
            case ("local_async", "test.ping" or "state.highstate" or "state.sls" or "state.apply"):
            {
                // With tgt_type list an id without an accepted key publishes nothing (transcript 25).
                if (!accepted)
                    return Plain(Reply("25"));
                var job = Start(minion, fun!, args, lowstate);
                var reply = Reply("13", minion, job.Jid);
                return (reply.Message, reply.Latency, ReturnBeforePublishReply ? job.Returned.Task : null);
            }

            default:
                violations.Enqueue($"unexpected call {client} {fun}");
                return Plain(Reply("30"));
        }
    }

    /// <summary>A local_async publish, as the master and the minion handle it (fixtures 47–49).</summary>
    private SimulatedJob Start(string minion, string fun, List<string> args, JsonObject lowstate)
    {
        var requested = lowstate["jid"]?.GetValue<string>();
        var jid = requested ?? NextJid();
        SimulatedJob job;
        var reaches = false;
        lock (minions.Gate)
        {
            publishes.Add((minion, jid));
            var seen = seenJids.TryGetValue(minion, out var queue) ? queue : seenJids[minion] = new Queue<string>();
            if (seen.Contains(jid))
            {
                // The master sends it again; the minion drops a jid among its last minion_jid_queue_hwm.
                job = jobs[jid];
            }
            else if (!minions.TalksTo(minion, this))
            {
                // The minion is not connected here (failover elsewhere, instance gone): published, it never returns (34).
                var now = time.GetUtcNow();
                job = new SimulatedJob(jid, minion, fun, string.Join(",", args), now, DateTimeOffset.MaxValue, Fails: false);
                jobs[jid] = job;
            }
            else
            {
                reaches = true;
                seen.Enqueue(jid);
                while (seen.Count > MinionJidQueueHwm)
                    seen.Dequeue();
                var now = time.GetUtcNow();
                // The minion refuses whichever master published either run.
                var running = fun.StartsWith("state.", StringComparison.Ordinal) ? minions.RunningStateRun(minion) : null;
                if (running is not null)
                {
                    violations.Enqueue($"{fun} published on {minion} under a new jid {jid} while {running.Jid} ran (the minion refused it)");
                    job = new SimulatedJob(jid, minion, fun, string.Join(",", args), now, now, Fails: true, running);
                }
                else
                {
                    var duration = fun == "test.ping" ? TimeSpan.Zero : JobDuration(minion);
                    job = new SimulatedJob(jid, minion, fun, string.Join(",", args), now, now + duration, FailingMinions.ContainsKey(minion));
                    if (job.IsStateRun)
                        minions.Started(job);
                }

                jobs[jid] = job;
            }
        }

        Publish(job, lowstate);
        if (reaches && job.IsStateRun && HoldStateRun?.Invoke(minion, fun) is { IsCompleted: false } hold)
            _ = hold.ContinueWith(_ => ScheduleReturn(job, job.DoneAt - job.StartedAt), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        else if (reaches)
            ScheduleReturn(job, job.DoneAt - time.GetUtcNow());
        return job;
    }

    /// <summary>What the master puts on the bus when it publishes a job (again, for a repeated jid).</summary>
    private void Publish(SimulatedJob job, JsonObject lowstate)
    {
        bus.Publish(job.Jid, new JsonObject { ["minions"] = new JsonArray(job.MinionId), ["_stamp"] = Stamp() });
        bus.Publish($"salt/job/{job.Jid}/new", new JsonObject
        {
            ["jid"] = job.Jid, ["tgt_type"] = "list", ["tgt"] = lowstate["tgt"]?.DeepClone(), ["user"] = "saltapi", ["fun"] = job.Fun,
            ["arg"] = ArgumentsOf(job), ["minions"] = new JsonArray(job.MinionId), ["missing"] = new JsonArray(), ["_stamp"] = Stamp(),
        });
    }

    private void ScheduleReturn(SimulatedJob job, TimeSpan due)
    {
        if (disposed)
            return;
        if (due <= TimeSpan.Zero)
        {
            Return(job);
            return;
        }

        timers.After(time, due, () => Return(job));
    }

    /// <summary>The minion's return: the <c>ret</c> event (and a failing state's <c>error</c> event), in the transcripts' shapes.</summary>
    private void Return(SimulatedJob job)
    {
        if (job.Fun == "test.ping")
        {
            ReturnOf(job, JsonValue.Create(true), 0, success: true);
            return;
        }

        var transcript = job.RefusedFor is not null ? JobReply("49", job) : job.Fails ? JobReply("22", job) : JobReply("16", job);
        var result = JsonNode.Parse(transcript.Body)!["info"]![0]!["Result"]![job.MinionId]!;
        var ret = result["return"]!.DeepClone();
        if (OversizedReturns.TryGetValue(job.Jid, out var size) && ret is JsonObject states)
        {
            states["test_|-padding_|-padding_|-succeed_without_changes"] = new JsonObject
            {
                ["name"] = "padding", ["changes"] = new JsonObject(), ["result"] = true, ["comment"] = new string('x', size),
                ["__sls__"] = "padding", ["__run_num__"] = states.Count, ["__id__"] = "padding",
            };
        }

        ReturnOf(job, ret, result["retcode"]!.GetValue<int>(), result["success"]!.GetValue<bool>(), "highstate");
        if (job.Fails && job.RefusedFor is null && ret is JsonObject failed)
        {
            foreach (var (_, state) in failed)
            {
                if (state is JsonObject entry && entry["result"]?.GetValue<bool>() == false)
                {
                    var data = (JsonObject)entry.DeepClone();
                    data["_stamp"] = Stamp();
                    bus.Publish($"salt/job/{job.Jid}/sub/{job.MinionId}/error/{job.Fun}", data);
                }
            }
        }
    }

    private void ReturnOf(SimulatedJob job, JsonNode? ret, int retcode, bool success, string? outputter = null)
    {
        var data = new JsonObject
        {
            ["cmd"] = "_return", ["id"] = job.MinionId, ["success"] = success, ["return"] = ret, ["retcode"] = retcode, ["jid"] = job.Jid,
            ["fun"] = job.Fun, ["fun_args"] = ArgumentsOf(job),
            ["user"] = "saltapi",
        };
        if (outputter is not null)
            data["out"] = outputter;
        data["_stamp"] = Stamp();
        job.Finished = true;
        returns.Enqueue(new SimulatedReturn(job.MinionId, job.Jid, job.Fun, time.GetUtcNow()));
        bus.Publish($"salt/job/{job.Jid}/ret/{job.MinionId}", data);
        job.Returned.TrySetResult();
    }

    private SaltApiReply Wheel(string? fun, JsonNode? match, JsonObject lowstate)
    {
        switch (fun, match)
        {
            case ("key.name_match", JsonValue value) when value.GetValue<string>() is var id && IsExactId(id):
            {
                Record(id, "wheel key.name_match");
                Lookup(id);
                var directory = KeyOf(id);
                return WheelReply("44", directory is null ? "{}" : $$"""{"{{directory}}": ["{{id}}"]}""");
            }

            case ("key.finger", JsonValue value) when value.GetValue<string>() is var id && IsExactId(id):
            {
                // Like name_match a glob (fixtures 55-58): answered for an exact id only. {dir: {id: fingerprint}}, {} when none.
                Record(id, "wheel key.finger");
                Lookup(id);
                var directory = KeyOf(id);
                var found = new JsonObject();
                if (directory is not null)
                    found[directory] = new JsonObject { [id] = minions.FingerprintOn(this, id) };
                return WheelReply(directory is null ? "58" : directory == "minions" ? "57" : "55", found.ToJsonString());
            }

            case ("key.finger_master", null):
                Record(null, "wheel key.finger_master");
                return WheelReply("56", new JsonObject { ["local"] = new JsonObject { ["master.pub"] = minions.MasterFingerprint } }.ToJsonString());
            case ("key.accept_dict", JsonObject { Count: 1 } dict) when dict.Single() is { Key: var from, Value: JsonArray { Count: 1 } ids }
                                                                          && from is "minions_pre" or "minions_rejected" or "minions_denied":
            {
                var id = ids[0]!.GetValue<string>();
                Record(id, "wheel key.accept_dict" + (from == "minions_pre" ? "" : " " + from));
                // Salt moves a rejected or denied key only with include_rejected / include_denied.
                var allowed = from == "minions_pre"
                    || (from == "minions_rejected" && lowstate["include_rejected"]?.GetValue<bool>() == true)
                    || (from == "minions_denied" && lowstate["include_denied"]?.GetValue<bool>() == true);
                var moved = allowed && keys.TryUpdate(id, "minions", from);
                if (moved)
                {
                    Accepted(id);
                    minions.AcceptedThrough(this, id);
                }

                return WheelReply("41", moved ? $$"""{"minions": ["{{id}}"]}""" : "{}");
            }

            case ("key.list_all", null):
            {
                Record(null, "wheel key.list_all");
                var listing = new JsonObject();
                foreach (var keyDir in (string[])["minions", "minions_pre", "minions_rejected", "minions_denied"])
                    listing[keyDir] = new JsonArray([.. keys.Where(k => k.Value == keyDir).Select(k => k.Key).Order(StringComparer.Ordinal).Select(k => (JsonNode)k)]);
                listing["local"] = new JsonArray("master.pem", "master.pub");
                return WheelReply("03", listing.ToJsonString());
            }

            case ("key.delete_dict", JsonObject { Count: 1 } dict) when dict["minions"] is JsonArray { Count: 1 } ids:
            {
                var id = ids[0]!.GetValue<string>();
                Record(id, "wheel key.delete_dict");
                if (keys.TryRemove(new KeyValuePair<string, string>(id, "minions")))
                {
                    Disconnect(id);
                    bus.Publish("salt/key", new JsonObject { ["result"] = true, ["act"] = "delete", ["id"] = id, ["_stamp"] = Stamp() });
                    minions.DeletedThrough(this, id);
                }

                return WheelReply("45", "{}");
            }

            default:
                violations.Enqueue($"wheel {fun} with match {match?.ToJsonString()}");
                return Reply("30").Message;
        }
    }

    /// <summary>The booted minion's key shows up here as pending (unless this master has a key for it, or keys never arrive here).</summary>
    internal void KeyArrives(string minionId)
    {
        if (!disposed && KeysArriveOnLookup && keys.TryAdd(minionId, "minions_pre"))
            Pending(minionId);
    }

    /// <summary>The minion (again) retries authentication with this master, where its key is pending.</summary>
    internal void RetryAuthentication(string minionId)
    {
        if (!disposed && KeyOf(minionId) == "minions_pre")
            Pending(minionId);
    }

    /// <summary>The minion's key is accepted here and it connects: salt/auth accept and the start events after the minion start delay.</summary>
    internal void Connect(string minionId)
    {
        if (disposed)
            return;
        var delay = MinionStartDelay ?? TimeSpan.FromSeconds(6.3) * LatencyScale;
        reconnects[minionId] = time.GetUtcNow() + delay;
        if (delay <= TimeSpan.Zero)
        {
            Reconnect(minionId);
            return;
        }

        timers.After(time, delay, () => Reconnect(minionId));
    }

    /// <summary>The minion's key is gone here: it is no longer connected (a later accept makes it reconnect).</summary>
    internal void Disconnect(string minionId) => reconnects.TryRemove(minionId, out _);

    /// <summary>A key lookup: the minion's boot clock starts (on any master), and a booted minion's key arrives.</summary>
    private void Lookup(string minionId)
    {
        if (KeysArriveOnLookup && minions.Booted(minionId))
            minions.Arrive(minionId);
    }

    private static bool IsExactId(string id) => id.IndexOfAny(['*', '?', '[', ',']) < 0;

    /// <summary>A pending minion retries authentication every acceptance_wait_time until its key moves (salt/auth pend), while it talks to this master.</summary>
    private void Pending(string minionId)
    {
        PublishAuth(minionId, "pend");
        var wait = AcceptanceWaitTime ?? TimeSpan.FromSeconds(10) * LatencyScale;
        if (wait <= TimeSpan.Zero)
            return;
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            if (KeyOf(minionId) == "minions_pre" && minions.TalksTo(minionId, this))
                PublishAuth(minionId, "pend");
            else
                timer?.Dispose();
        }, null, wait, wait);
        timers.Add(timer);
    }

    /// <summary>The key moved to accepted: salt/key now, the minion's reconnect (salt/auth accept, minion_start) later.</summary>
    private void Accepted(string minionId)
    {
        bus.Publish("salt/key", new JsonObject { ["result"] = true, ["act"] = "accept", ["id"] = minionId, ["_stamp"] = Stamp() });
        if (minions.TalksTo(minionId, this))
            Connect(minionId);
    }

    private void Reconnect(string minionId)
    {
        PublishAuth(minionId, "accept");
        var started = $"Minion {minionId} started at {time.GetUtcNow().UtcDateTime.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture)}";
        foreach (var tag in new[] { "minion_start", $"salt/minion/{minionId}/start" })
        {
            bus.Publish(tag, new JsonObject
            {
                ["id"] = minionId, ["cmd"] = "_minion_event", ["pretag"] = null, ["data"] = started, ["tag"] = tag, ["_stamp"] = Stamp(),
            });
        }
    }

    private void PublishAuth(string minionId, string act) =>
        bus.Publish("salt/auth", new JsonObject
        {
            ["result"] = true, ["act"] = act, ["id"] = minionId, ["pub"] = MinionPublicKey, ["_stamp"] = Stamp(),
        });

    /// <summary>Whether the accepted minion is back (keys set up directly by a test count as long connected).</summary>
    private bool Reconnected(string minionId) =>
        !reconnects.TryGetValue(minionId, out var at) || time.GetUtcNow() >= at;

    private SaltApiReply JobStatus(string jid)
    {
        if (!jobs.TryGetValue(jid, out var job))
            return Reply("20").Message;

        Record(job.MinionId, "jobs");
        // rest_cherrypy runs jobs.list_job for it: the bus shows the runner's new and ret.
        var run = NextJid();
        var funArgs = new JsonArray(new JsonObject { ["jid"] = jid });
        bus.Publish($"salt/run/{run}/new", new JsonObject
        {
            ["fun"] = "runner.jobs.list_job", ["jid"] = run, ["user"] = "saltapi", ["fun_args"] = funArgs.DeepClone(), ["_stamp"] = Stamp(),
        });
        var reply = !job.Finished ? JobReply("14", job)
            : job.RefusedFor is not null ? JobReply("49", job)
            : job.Fails ? JobReply("22", job)
            : JobReply("16", job);
        bus.Publish($"salt/run/{run}/ret", new JsonObject
        {
            ["fun"] = "runner.jobs.list_job", ["jid"] = run, ["user"] = "saltapi", ["fun_args"] = funArgs, ["_stamp"] = Stamp(),
            ["return"] = JsonNode.Parse(reply.Body)!["info"]![0]!.DeepClone(), ["success"] = true,
        });
        return reply;
    }

    /// <summary>A /jobs transcript for <paramref name="job"/>: minion, jid and function swapped in; 49 names the running job.</summary>
    private static SaltApiReply JobReply(string transcript, SimulatedJob job)
    {
        var body = CapturedReply.Load(transcript).Body;
        if (job.RefusedFor is { } running)
        {
            body = body
                .Replace(CapturedRunningJid, running.Jid, StringComparison.Ordinal)
                .Replace(CapturedRunningStart, running.StartedAt.UtcDateTime.ToString("yyyy, MMM dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("The function \\\"state.highstate\\\"", $"The function \\\"{running.Fun}\\\"", StringComparison.Ordinal)
                .Replace(CapturedRefusedJid, job.Jid, StringComparison.Ordinal);
        }

        return Reply(transcript, job.MinionId, job.Jid, job, body).Message;
    }

    /// <summary>A wheel reply: the transcript's envelope with <paramref name="keyLists"/> as data.return.</summary>
    private static SaltApiReply WheelReply(string transcript, string keyLists)
    {
        var body = JsonNode.Parse(CapturedReply.Load(transcript).Body)!;
        body["return"]![0]!["data"]!["return"] = JsonNode.Parse(keyLists);
        return Reply(transcript, body: PythonJson.Write(body)).Message;
    }

    /// <summary>A transcript's answer with the captured minion id, jid and function swapped for this call's.</summary>
    private static (SaltApiReply Message, TimeSpan Latency) Reply(string transcript, string? minionId = null, string? jid = null, SimulatedJob? job = null, string? body = null)
    {
        var captured = CapturedReply.Load(transcript);
        var text = body ?? captured.Body;
        if (minionId is not null)
            text = text.Replace(CapturedMinion, minionId, StringComparison.Ordinal);
        if (jid is not null)
            text = text.Replace(CapturedJid, jid, StringComparison.Ordinal).Replace(CapturedFailedJid, jid, StringComparison.Ordinal);
        if (job is not null)
        {
            // 14/16/49 captured a highstate and 22 a state.sls fail: name the function this job ran.
            text = text
                .Replace("\"Function\": \"state.highstate\", \"Arguments\": []", FunctionOf(job), StringComparison.Ordinal)
                .Replace("\"Function\": \"state.sls\", \"Arguments\": [\"fail\"]", FunctionOf(job), StringComparison.Ordinal);
        }

        return (new SaltApiReply(captured.Status, captured.Headers, text), captured.Elapsed);
    }

    private static (SaltApiReply Message, TimeSpan Latency, Task? Returned) Plain((SaltApiReply Message, TimeSpan Latency) reply) =>
        (reply.Message, reply.Latency, null);

    private static (SaltApiReply Message, TimeSpan Latency, Task? Returned) Plain(SaltApiReply reply) => (reply, TimeSpan.Zero, null);

    private string NextJid() => (firstJid + Interlocked.Increment(ref nextJid)).ToString(CultureInfo.InvariantCulture);

    private string Stamp() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture);

    private void Record(string? minionId, string what)
    {
        var call = new SaltCall(time.GetUtcNow(), minionId, what);
        calls.Enqueue(call);
        Called?.Invoke(call);
    }

    private static JsonArray ArgumentsOf(SimulatedJob job) =>
        new([.. job.Arguments.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(a => (JsonNode)a)]);

    private static string FunctionOf(SimulatedJob job) =>
        job.Arguments.Length > 0
            ? $"\"Function\": \"{job.Fun}\", \"Arguments\": [\"{job.Arguments}\"]"
            : $"\"Function\": \"{job.Fun}\", \"Arguments\": []";

    [GeneratedRegex("(?:^\\?|&)token=([^&]*)")]
    private static partial Regex QueryToken();

    /// <summary>The minion's public key as transcript 50's salt/auth events carry it.</summary>
    private static string MinionPublicKey => PublicKey.Value;

    private static readonly Lazy<string> PublicKey = new(() =>
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmQXJumCzrX5DK68S/JT5\n5S9s1VH3lvVJZfHOdcB+SkGYKou1BmSjidAu5rjf0nopW2SLEQEO2/srNDlamMYN\n"
        + "ZS5xMxMA703EWxLMzYJIo1KhIzxDqkdxtcas7z+iALfjjZnGRDGLXxUJfjVd29nS\n+XdST7xGNiGmQbf3jQp1TxE2musM3N/EMaUzT+yjhjh8a476dUlS5YlHU8N0xUM/\n"
        + "7BNHVzM1bgAh2i2Ug48r7UPjeEurvqoH6Vfgs5whRXm4BlMe2idBVELTRa+BW/D8\nojqtXWkUiHcGj0AV4FrN7HOiH8bI9hNd8nfWXxua5dPKJ6vv/76nQp6JMBYTPtZq\n6wIDAQAB\n-----END PUBLIC KEY-----");
}
