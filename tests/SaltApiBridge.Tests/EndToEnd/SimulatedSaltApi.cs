using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// A stateful salt-api for many minions on a loopback port. Every answer is a captured transcript (same status,
/// headers and body text) with only the minion id, the jid and the key lists swapped in; 401s are the captured HTML.
/// Minion keys appear as pending when first looked up (the minion booted), jobs finish after a per-minion delay.
/// Records each call per minion, and every lowstate that does not target exactly one id.
/// </summary>
internal sealed class SimulatedSaltApi : IAsyncDisposable
{
    private const string CapturedMinion = "my-asg-i-0123456789abcdef0";
    private const string CapturedJid = "20261125113337614027";
    private const string CapturedFailedJid = "20261125113351701657";

    private readonly ConcurrentDictionary<string, string> keys = new();
    private readonly ConcurrentDictionary<string, Job> jobs = new();
    private readonly ConcurrentDictionary<string, int> running = new();
    private readonly ConcurrentQueue<SaltCall> calls = new();
    private readonly ConcurrentQueue<string> violations = new();
    private readonly string token = JsonNode.Parse(SaltApiTranscript.Load("01").ResponseBodyRaw)!["return"]![0]!["token"]!.GetValue<string>();
    private readonly int port = LoopbackPort.Free();
    private WireMockServer? server;
    private long nextJid;

    public SimulatedSaltApi() => Up();

    public string BaseUrl => $"http://127.0.0.1:{port}";

    /// <summary>How long the highstate (or state.sls) of a minion runs before /jobs shows it done.</summary>
    public Func<string, TimeSpan> JobDuration { get; set; } = _ => TimeSpan.Zero;

    /// <summary>Minions whose state runs fail (the answer of transcript 22).</summary>
    public ConcurrentDictionary<string, bool> FailingMinions { get; } = new();

    /// <summary>When false, an unknown id stays absent instead of showing up as a pending key.</summary>
    public bool KeysArriveOnLookup { get; set; } = true;

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
        server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(Answer));
    }

    public ValueTask DisposeAsync()
    {
        Down();
        return ValueTask.CompletedTask;
    }

    private ResponseMessage Answer(IRequestMessage request)
    {
        if (request.Path == "/login")
        {
            calls.Enqueue(new SaltCall(DateTimeOffset.UtcNow, null, "login"));
            return Reply("01");
        }

        if (SaltApiHarness.Header(request, "X-Auth-Token") != token)
            return Reply("28");

        if (request.Path == "/logout")
        {
            calls.Enqueue(new SaltCall(DateTimeOffset.UtcNow, null, "logout"));
            return Reply("39");
        }

        if (request.Path.StartsWith("/hook/", StringComparison.Ordinal))
        {
            var minion = JsonNode.Parse(request.Body ?? "{}")?["minion_id"]?.GetValue<string>();
            calls.Enqueue(new SaltCall(DateTimeOffset.UtcNow, minion, "hook " + request.Path["/hook/".Length..]));
            return Reply("26");
        }

        if (request.Path.StartsWith("/jobs/", StringComparison.Ordinal))
            return JobStatus(request.Path["/jobs/".Length..]);

        if (request.Path == "/" && request.Method == "POST")
            return Lowstate(JsonNode.Parse(request.Body ?? "[]")!.AsArray()[0]!.AsObject());

        violations.Enqueue($"unexpected request {request.Method} {request.Path}");
        return Reply("30");
    }

    private ResponseMessage Lowstate(JsonObject lowstate)
    {
        var client = lowstate["client"]?.GetValue<string>();
        var fun = lowstate["fun"]?.GetValue<string>();
        if (client == "wheel")
            return Wheel(fun, lowstate["match"]);

        if (lowstate["tgt_type"]?.GetValue<string>() != "list" || lowstate["tgt"] is not JsonArray { Count: 1 } tgt)
        {
            violations.Enqueue($"{client} {fun} targets {lowstate["tgt"]?.ToJsonString()} as {lowstate["tgt_type"]}");
            return Reply("30");
        }

        var minion = tgt[0]!.GetValue<string>();
        var arguments = lowstate["arg"] is JsonArray args ? " " + string.Join(",", args.Select(a => a!.GetValue<string>())) : "";
        calls.Enqueue(new SaltCall(DateTimeOffset.UtcNow, minion, $"{client} {fun}{arguments}"));
        var accepted = KeyOf(minion) == "minions";
        switch (client, fun)
        {
            case ("local", "test.ping"):
                return accepted ? Reply("10", minion) : Reply("11");
            case ("local_async", "state.highstate" or "state.sls"):
                if (!accepted)
                    return Reply("25");
                var jid = (20261125000000000000m + Interlocked.Increment(ref nextJid)).ToString(CultureInfo.InvariantCulture);
                if (running.AddOrUpdate(minion, 1, (_, n) => n + 1) > 1)
                    violations.Enqueue($"two jobs ran at once on {minion}");
                jobs[jid] = new Job(minion, fun, arguments.Trim(), DateTimeOffset.UtcNow + JobDuration(minion), FailingMinions.ContainsKey(minion));
                return Reply("13", minion, jid);
            default:
                violations.Enqueue($"unexpected call {client} {fun}");
                return Reply("30");
        }
    }

    private ResponseMessage Wheel(string? fun, JsonNode? match)
    {
        switch (fun, match)
        {
            case ("key.name_match", JsonValue value) when value.GetValue<string>() is var id && id.IndexOfAny(['*', '?', '[', ',']) < 0:
                calls.Enqueue(new SaltCall(DateTimeOffset.UtcNow, id, "wheel key.name_match"));
                var directory = KeysArriveOnLookup ? keys.GetOrAdd(id, "minions_pre") : KeyOf(id);
                return WheelReply("44", directory is null ? "{}" : $$"""{"{{directory}}": ["{{id}}"]}""");
            case ("key.accept_dict", JsonObject { Count: 1 } dict) when dict["minions_pre"] is JsonArray { Count: 1 } ids:
            {
                var id = ids[0]!.GetValue<string>();
                calls.Enqueue(new SaltCall(DateTimeOffset.UtcNow, id, "wheel key.accept_dict"));
                var moved = keys.TryUpdate(id, "minions", "minions_pre");
                return WheelReply("41", moved ? $$"""{"minions": ["{{id}}"]}""" : "{}");
            }
            case ("key.delete_dict", JsonObject { Count: 1 } dict) when dict["minions"] is JsonArray { Count: 1 } ids:
            {
                var id = ids[0]!.GetValue<string>();
                calls.Enqueue(new SaltCall(DateTimeOffset.UtcNow, id, "wheel key.delete_dict"));
                keys.TryRemove(new KeyValuePair<string, string>(id, "minions"));
                return WheelReply("45", "{}");
            }
            default:
                violations.Enqueue($"wheel {fun} with match {match?.ToJsonString()}");
                return Reply("30");
        }
    }

    private ResponseMessage JobStatus(string jid)
    {
        if (!jobs.TryGetValue(jid, out var job))
            return Reply("20");

        calls.Enqueue(new SaltCall(DateTimeOffset.UtcNow, job.MinionId, "jobs"));
        if (DateTimeOffset.UtcNow < job.DoneAt)
            return Reply("14", job.MinionId, jid, job);

        if (jobs.TryUpdate(jid, job with { Reported = true }, job) && !job.Reported)
            running.AddOrUpdate(job.MinionId, 0, (_, n) => n - 1);
        return job.Fails ? Reply("22", job.MinionId, jid, job) : Reply("16", job.MinionId, jid, job);
    }

    /// <summary>A wheel reply: the transcript's envelope with <paramref name="keyLists"/> as data.return.</summary>
    private static ResponseMessage WheelReply(string transcript, string keyLists)
    {
        var body = JsonNode.Parse(SaltApiTranscript.Load(transcript).ResponseBodyRaw)!;
        body["return"]![0]!["data"]!["return"] = JsonNode.Parse(keyLists);
        return Reply(transcript, body: body.ToJsonString());
    }

    /// <summary>A transcript's answer with the captured minion id, jid and function swapped for this call's.</summary>
    private static ResponseMessage Reply(string transcript, string? minionId = null, string? jid = null, Job? job = null, string? body = null)
    {
        var captured = SaltApiTranscript.Load(transcript);
        var text = body ?? captured.ResponseBodyRaw;
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
        foreach (var (name, value) in captured.ResponseHeaders)
        {
            // Kestrel writes its own Content-Length for the rewritten body.
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                response.AddHeader(name, value);
        }

        return response;
    }

    private static string FunctionOf(Job job) =>
        job.Fun == "state.sls"
            ? $"\"Function\": \"state.sls\", \"Arguments\": [\"{job.Arguments}\"]"
            : "\"Function\": \"state.highstate\", \"Arguments\": []";

    private sealed record Job(string MinionId, string Fun, string Arguments, DateTimeOffset DoneAt, bool Fails, bool Reported = false);
}
