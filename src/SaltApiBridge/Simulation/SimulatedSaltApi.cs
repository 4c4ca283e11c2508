using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Simulation;

/// <summary>
/// A stateful salt-api for many minions on a loopback port (the demo, benchmarks and end-to-end tests). Every answer is
/// a captured transcript (same status, headers and body text) with only the minion id, the jid and the key lists
/// swapped in; 401s are the captured HTML. Minion keys appear as pending when first looked up (the minion booted), key.list_all
/// lists every key (transcript 03's envelope), jobs
/// finish after a per-minion delay, and each reply can take the time the real master took, scaled.
/// Records each call per minion, and every lowstate that does not target exactly one id.
/// </summary>
internal sealed class SimulatedSaltApi : IAsyncDisposable
{
    private const string CapturedMinion = "my-asg-i-0123456789abcdef0";
    private const string CapturedJid = "20261125113337614027";
    private const string CapturedFailedJid = "20261125113351701657";

    private readonly ConcurrentDictionary<string, string> keys = new();
    private readonly ConcurrentDictionary<string, SimulatedJob> jobs = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> firstLookups = new();
    private readonly Lock publishing = new();
    private readonly ConcurrentQueue<SaltCall> calls = new();
    private readonly ConcurrentQueue<string> violations = new();
    private readonly string token = JsonNode.Parse(CapturedReply.Load("01").Body)!["return"]![0]!["token"]!.GetValue<string>();
    private readonly int port;
    private readonly TimeProvider time;
    private WireMockServer? server;
    private long nextJid;

    /// <param name="port">0 picks a free loopback port.</param>
    public SimulatedSaltApi(int port = 0, TimeProvider? timeProvider = null)
    {
        this.port = port == 0 ? LoopbackPort.Free() : port;
        time = timeProvider ?? TimeProvider.System;
        Up();
    }

    /// <summary>Each reply waits this fraction of the time the real master took for it (0: answer at once).</summary>
    public double LatencyScale { get; set; }

    /// <summary>Called before each request is answered; a non-null reply replaces the simulated one (fault injection).</summary>
    public Func<IRequestMessage, IResponseMessage?>? Interceptor { get; set; }

    /// <summary>
    /// How long each request waits before anything else happens to it (a master too busy to answer within the client's
    /// timeout). Asked first, before <see cref="Interceptor"/>: with a replaced reply the master never acts; without
    /// one it acts late.
    /// </summary>
    public Func<IRequestMessage, TimeSpan>? Stall { get; set; }

    /// <summary>Called with each simulated reply after the master acted on the request; its result is sent instead (a reply cut off, slowed or lost after the fact).</summary>
    public Func<IRequestMessage, IResponseMessage, IResponseMessage>? ReplyFilter { get; set; }

    /// <summary>Raised for each recorded call (progress views).</summary>
    public event Action<SaltCall>? Called;

    public string BaseUrl => $"http://127.0.0.1:{port}";

    /// <summary>How long the highstate (or state.sls) of a minion runs before /jobs shows it done.</summary>
    public Func<string, TimeSpan> JobDuration { get; set; } = _ => TimeSpan.Zero;

    /// <summary>Minions whose state runs fail (the answer of transcript 22).</summary>
    public ConcurrentDictionary<string, bool> FailingMinions { get; } = new();

    /// <summary>When false, an unknown id stays absent instead of showing up as a pending key.</summary>
    public bool KeysArriveOnLookup { get; set; } = true;

    /// <summary>How long after its first lookup a minion's key shows up as pending (the instance is still booting).</summary>
    public Func<string, TimeSpan> KeyArrivalDelay { get; set; } = _ => TimeSpan.Zero;

    /// <summary>The eauth password /login accepts (any other gets the captured 401 HTML); null accepts any.</summary>
    public string? Password { get; set; }

    /// <summary>Clients left out of netapi_enable_clients: a lowstate naming one gets the captured 400 HTML.</summary>
    public ConcurrentDictionary<string, bool> DisabledClients { get; } = new();

    public IReadOnlyList<SaltCall> Calls => [.. calls];

    /// <summary>Lowstates that targeted anything but one exact minion id, and jobs that overlapped on one minion.</summary>
    public IReadOnlyList<string> Violations => [.. violations];

    public int Logins => Calls.Count(c => c.What == "login");

    public void SetKey(string minionId, string keyDirectory) => keys[minionId] = keyDirectory;

    public string? KeyOf(string minionId) => keys.TryGetValue(minionId, out var dir) ? dir : null;

    /// <summary>The calls for one minion, without the /jobs polls (their number depends on timing).</summary>
    public IReadOnlyList<string> CallsFor(string minionId) =>
        [.. Calls.Where(c => c.MinionId == minionId && c.What != "jobs").Select(c => c.What)];

    /// <summary>salt-api stops: connections are refused until <see cref="Up"/>.</summary>
    public void Down()
    {
        server?.Stop();
        server?.Dispose();
        server = null;
    }

    /// <summary>salt-api listens again on the same port, with the keys and jobs it had.</summary>
    public void Up()
    {
        server = WireMockServer.Start(new WireMockServerSettings { Urls = [BaseUrl] });
        server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(AnswerAsync));
    }

    public ValueTask DisposeAsync()
    {
        Down();
        return ValueTask.CompletedTask;
    }

    private async Task<IResponseMessage> AnswerAsync(IRequestMessage request)
    {
        if (Stall?.Invoke(request) is { } stall && stall > TimeSpan.Zero)
            await Task.Delay(stall, time);
        if (Interceptor?.Invoke(request) is { } replaced)
            return replaced;
        var reply = Answer(request);
        if (LatencyScale > 0 && reply.Latency > TimeSpan.Zero)
            await Task.Delay(reply.Latency * LatencyScale, time);
        return ReplyFilter is { } filter ? filter(request, reply.Message) : reply.Message;
    }

    private (ResponseMessage Message, TimeSpan Latency) Answer(IRequestMessage request)
    {
        if (request.Path == "/login")
        {
            Record(null, "login");
            var password = JsonNode.Parse(request.Body ?? "{}")?["password"]?.GetValue<string>();
            return Password is null || password == Password ? Reply("01") : Reply("02");
        }

        var sent = request.Headers?.FirstOrDefault(h => h.Key.Equals("X-Auth-Token", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        if (sent != token)
            return Reply("28");

        if (request.Path == "/logout")
        {
            Record(null, "logout");
            return Reply("39");
        }

        if (request.Path.StartsWith("/hook/", StringComparison.Ordinal))
        {
            var minion = JsonNode.Parse(request.Body ?? "{}")?["minion_id"]?.GetValue<string>();
            Record(minion, "hook " + request.Path["/hook/".Length..]);
            return Reply("26");
        }

        if (request.Path.StartsWith("/jobs/", StringComparison.Ordinal))
            return JobStatus(request.Path["/jobs/".Length..]);

        if (request.Path == "/" && request.Method == "POST")
            return Lowstate(JsonNode.Parse(request.Body ?? "[]")!.AsArray()[0]!.AsObject());

        violations.Enqueue($"unexpected request {request.Method} {request.Path}");
        return Reply("30");
    }

    private (ResponseMessage Message, TimeSpan Latency) Lowstate(JsonObject lowstate)
    {
        var client = lowstate["client"]?.GetValue<string>();
        var fun = lowstate["fun"]?.GetValue<string>();
        if (client is not null && DisabledClients.ContainsKey(client))
            return Reply("29", body: CapturedReply.Load("29").Body.Replace("'ssh'", $"'{client}'", StringComparison.Ordinal));
        if (client == "wheel")
            return Wheel(fun, lowstate["match"], lowstate);

        if (lowstate["tgt_type"]?.GetValue<string>() != "list" || lowstate["tgt"] is not JsonArray { Count: 1 } tgt)
        {
            violations.Enqueue($"{client} {fun} targets {lowstate["tgt"]?.ToJsonString()} as {lowstate["tgt_type"]}");
            return Reply("30");
        }

        var minion = tgt[0]!.GetValue<string>();
        var arguments = lowstate["arg"] is JsonArray args ? " " + string.Join(",", args.Select(a => a!.GetValue<string>())) : "";
        Record(minion, $"{client} {fun}{arguments}");
        var accepted = KeyOf(minion) == "minions";
        switch (client, fun)
        {
            case ("local", "test.ping"):
                return accepted ? Reply("10", minion) : Reply("11");
            case ("local_async", "test.ping"):
                // With tgt_type list an id without an accepted key publishes nothing (transcript 25).
                return accepted ? Reply("13", minion, NextJid()) : Reply("25");
            case ("local_async", "state.highstate" or "state.sls"):
                if (!accepted)
                    return Reply("25");
                // A caller may choose the jid (transcript 47); the minion runs a jid it has seen once (48).
                var jid = lowstate["jid"]?.GetValue<string>() ?? NextJid();
                lock (publishing)
                {
                    if (jobs.ContainsKey(jid))
                        return Reply("13", minion, jid);

                    // A job runs on the minion until its end, whether or not anyone has asked /jobs about it since.
                    var now = time.GetUtcNow();
                    if (jobs.Values.Any(j => j.MinionId == minion && j.DoneAt > now))
                        violations.Enqueue($"two jobs ran at once on {minion}");
                    jobs[jid] = new SimulatedJob(minion, fun, arguments.Trim(), now + JobDuration(minion), FailingMinions.ContainsKey(minion));
                }

                return Reply("13", minion, jid);
            default:
                violations.Enqueue($"unexpected call {client} {fun}");
                return Reply("30");
        }
    }

    private (ResponseMessage Message, TimeSpan Latency) Wheel(string? fun, JsonNode? match, JsonObject lowstate)
    {
        switch (fun, match)
        {
            case ("key.name_match", JsonValue value) when value.GetValue<string>() is var id && id.IndexOfAny(['*', '?', '[', ',']) < 0:
                Record(id, "wheel key.name_match");
                var directory = KeysArriveOnLookup && Booted(id) ? keys.GetOrAdd(id, "minions_pre") : KeyOf(id);
                return WheelReply("44", directory is null ? "{}" : $$"""{"{{directory}}": ["{{id}}"]}""");
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
                keys.TryRemove(new KeyValuePair<string, string>(id, "minions"));
                return WheelReply("45", "{}");
            }
            default:
                violations.Enqueue($"wheel {fun} with match {match?.ToJsonString()}");
                return Reply("30");
        }
    }

    private (ResponseMessage Message, TimeSpan Latency) JobStatus(string jid)
    {
        if (!jobs.TryGetValue(jid, out var job))
            return Reply("20");

        Record(job.MinionId, "jobs");
        if (time.GetUtcNow() < job.DoneAt)
            return Reply("14", job.MinionId, jid, job);

        return job.Fails ? Reply("22", job.MinionId, jid, job) : Reply("16", job.MinionId, jid, job);
    }

    /// <summary>A wheel reply: the transcript's envelope with <paramref name="keyLists"/> as data.return.</summary>
    private static (ResponseMessage Message, TimeSpan Latency) WheelReply(string transcript, string keyLists)
    {
        var body = JsonNode.Parse(CapturedReply.Load(transcript).Body)!;
        body["return"]![0]!["data"]!["return"] = JsonNode.Parse(keyLists);
        return Reply(transcript, body: body.ToJsonString());
    }

    /// <summary>A transcript's answer with the captured minion id, jid and function swapped for this call's.</summary>
    private static (ResponseMessage Message, TimeSpan Latency) Reply(string transcript, string? minionId = null, string? jid = null, SimulatedJob? job = null, string? body = null)
    {
        var captured = CapturedReply.Load(transcript);
        var text = body ?? captured.Body;
        if (minionId is not null)
            text = text.Replace(CapturedMinion, minionId, StringComparison.Ordinal);
        if (jid is not null)
            text = text.Replace(CapturedJid, jid, StringComparison.Ordinal).Replace(CapturedFailedJid, jid, StringComparison.Ordinal);
        if (job is not null)
        {
            // 14/16 captured a highstate and 22 a state.sls fail: name the function this job ran.
            text = text
                .Replace("\"Function\": \"state.highstate\", \"Arguments\": []", FunctionOf(job), StringComparison.Ordinal)
                .Replace("\"Function\": \"state.sls\", \"Arguments\": [\"fail\"]", FunctionOf(job), StringComparison.Ordinal);
        }

        var response = new ResponseMessage
        {
            StatusCode = captured.Status,
            BodyData = new BodyData { BodyAsString = text, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        foreach (var (name, value) in captured.Headers)
        {
            // Kestrel writes its own Content-Length (and Date) for the rewritten body.
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && !name.Equals("Date", StringComparison.OrdinalIgnoreCase))
                response.AddHeader(name, value);
        }

        return (response, captured.Elapsed);
    }

    /// <summary>Whether the minion has booted far enough to have sent its key (first lookup + its arrival delay).</summary>
    private bool Booted(string minionId)
    {
        var firstSeen = firstLookups.GetOrAdd(minionId, _ => time.GetUtcNow());
        return time.GetUtcNow() >= firstSeen + KeyArrivalDelay(minionId);
    }

    private string NextJid() => (20261125000000000000m + Interlocked.Increment(ref nextJid)).ToString(CultureInfo.InvariantCulture);

    private void Record(string? minionId, string what)
    {
        var call = new SaltCall(time.GetUtcNow(), minionId, what);
        calls.Enqueue(call);
        Called?.Invoke(call);
    }

    private static string FunctionOf(SimulatedJob job) =>
        job.Fun == "state.sls"
            ? $"\"Function\": \"state.sls\", \"Arguments\": [\"{job.Arguments}\"]"
            : "\"Function\": \"state.highstate\", \"Arguments\": []";
}
