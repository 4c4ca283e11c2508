using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// Faults for a share of salt-api exchanges, on the simulated salt-api's hooks. Each decision is a hash of the seed,
/// what the request asks (client, function, minion; tag; the jid's minion) and how often it was asked before — not of
/// arrival order — so a run's faults do not depend on how concurrent requests interleave. Records every request
/// (faulted ones included, which the simulator never sees) for the targeting check, and counts what it injected.
/// Fault replies are captured ones where the transcripts have them (28); the others say what they derive from.
/// </summary>
internal sealed class SaltFaultInjector
{
    private static readonly SaltFault[] Faults = Enum.GetValues<SaltFault>();

    private readonly int seed;
    private readonly double rate;
    private readonly TimeSpan stall;
    private readonly ConcurrentDictionary<string, int> occurrences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> jobMinions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SaltFault, int> injected = new();
    private readonly ConcurrentQueue<RawSaltRequest> requests = new();
    private readonly ConditionalWeakTable<SaltApiRequest, Decision> decisions = [];
    private int exchanges;

    /// <param name="rate">The share of exchanges that get a fault (0.2: one in five).</param>
    /// <param name="stall">How long a timeout or a slow body holds a reply; longer than the daemon's attempt timeout.</param>
    public SaltFaultInjector(SimulatedSaltApi salt, int seed, double rate, TimeSpan stall)
    {
        ArgumentNullException.ThrowIfNull(salt);
        this.seed = seed;
        this.rate = rate;
        this.stall = stall;
        salt.Stall = OnArrival;
        salt.Interceptor = Before;
        salt.ReplyFilter = After;
    }

    /// <summary>When false, requests pass untouched (still recorded).</summary>
    public bool Enabled { get; set; } = true;

    public IReadOnlyList<RawSaltRequest> Requests => [.. requests];

    public int Exchanges => Volatile.Read(ref exchanges);

    /// <summary>Faults actually injected, by kind.</summary>
    public IReadOnlyDictionary<SaltFault, int> Injected => new Dictionary<SaltFault, int>(injected);

    public int InjectedTotal => injected.Values.Sum();

    private TimeSpan OnArrival(SaltApiRequest request)
    {
        Interlocked.Increment(ref exchanges);
        requests.Enqueue(new RawSaltRequest(request.Method, request.Path, request.Body));
        var fault = Enabled ? Choose(request) : null;
        decisions.AddOrUpdate(request, new Decision(fault));
        if (fault is SaltFault.TimeoutNotActed or SaltFault.TimeoutActedLate)
        {
            Count(fault.Value);
            return stall;
        }

        return TimeSpan.Zero;
    }

    private SaltApiReply? Before(SaltApiRequest request)
    {
        if (!decisions.TryGetValue(request, out var decision))
            return null;
        switch (decision.Fault)
        {
            case SaltFault.TimeoutNotActed:
                // Nobody reads it: the client gave up at its attempt timeout.
                return SaltApiReply.Page(503, "");
            case SaltFault.ServerErrorHtml:
                Count(SaltFault.ServerErrorHtml);
                return Page(500, ServerErrorPage());
            case SaltFault.HtmlInsteadOfJson:
                Count(SaltFault.HtmlInsteadOfJson);
                // Transcript 28's page under a 200: what a misbehaving front (or a wrong BaseUrl) would send.
                return Page(200, CapturedReply.Load("28").Body);
            case SaltFault.ExpiredToken:
                Count(SaltFault.ExpiredToken);
                var captured = CapturedReply.Load("28");
                return Page(captured.Status, captured.Body);
            case SaltFault.MalformedJson:
                Count(SaltFault.MalformedJson);
                // Transcript 41's JSON, cut half-way and followed by bytes no JSON allows.
                var json = CapturedReply.Load("41").Body;
                return Page(200, json[..(json.Length / 2)] + "\u001e\u0001}", "application/json");
            default:
                return null;
        }
    }

    private SaltApiReply After(SaltApiRequest request, SaltApiReply reply)
    {
        RememberJob(request, reply);
        if (!decisions.TryGetValue(request, out var decision) || reply.Status is not 200 || reply.Body is not { Length: > 1 } body)
            return reply;
        switch (decision.Fault)
        {
            case SaltFault.SlowBody:
                Count(SaltFault.SlowBody);
                return SaltApiReply.Page(200, body, "application/json") with { StallMidway = stall };
            case SaltFault.ConnectionReset:
                Count(SaltFault.ConnectionReset);
                return SaltApiReply.Page(200, body, "application/json") with { ResetMidway = true };
            default:
                return reply;
        }
    }

    private SaltFault? Choose(SaltApiRequest request)
    {
        var subject = Subject(request);
        if (subject is null)
            return null;
        var occurrence = occurrences.AddOrUpdate(subject, 1, (_, n) => n + 1);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|{subject}|{occurrence}"));
        var draw = (BitConverter.ToUInt64(hash, 0) >> 11) * (1.0 / (1UL << 53));
        if (draw >= rate)
            return null;
        var fault = Faults[(int)(BitConverter.ToUInt64(hash, 8) % (ulong)Faults.Length)];
        // A refused login is a configuration error, not chaos: logins get every other fault.
        return fault == SaltFault.ExpiredToken && request.Path == "/login" ? null : fault;
    }

    /// <summary>What the request asks, independent of timing; null for requests never faulted (logout).</summary>
    private string? Subject(SaltApiRequest request)
    {
        if (request.Path == "/logout")
            return null;
        if (request.Path == "/login")
            return "login";
        if (request.Path.StartsWith("/jobs/", StringComparison.Ordinal))
            return "jobs " + jobMinions.GetValueOrDefault(request.Path["/jobs/".Length..], "?");
        try
        {
            var body = JsonNode.Parse(request.Body ?? "null");
            if (request.Path.StartsWith("/hook/", StringComparison.Ordinal))
                return $"hook {request.Path} {body?["minion_id"]?.GetValue<string>()}";
            var lowstate = body is JsonArray { Count: > 0 } array ? array[0] : body;
            var target = lowstate?["tgt"]?.ToJsonString() ?? lowstate?["match"]?.ToJsonString();
            return $"{lowstate?["client"]} {lowstate?["fun"]} {target}";
        }
        catch (JsonException)
        {
            return request.Path;
        }
    }

    private void RememberJob(SaltApiRequest request, SaltApiReply reply)
    {
        if (request.Path != "/" || reply.Body is not { } text || !text.Contains("\"jid\"", StringComparison.Ordinal))
            return;
        try
        {
            var started = JsonNode.Parse(text)?["return"]?[0];
            if (started?["jid"]?.GetValue<string>() is { } jid && started["minions"] is JsonArray { Count: 1 } minions)
                jobMinions[jid] = minions[0]!.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // A wheel reply (its jid sits deeper); only job starts matter here.
        }
    }

    private void Count(SaltFault fault) => injected.AddOrUpdate(fault, 1, (_, n) => n + 1);

    /// <summary>No 5xx was captured; CherryPy answers 500 with the same kind of page as transcript 29 (as SaltApiFailureTests derives it).</summary>
    private static string ServerErrorPage() =>
        CapturedReply.Load("29").Body
            .Replace("400 Bad Request", "500 Internal Server Error", StringComparison.Ordinal)
            .Replace("Client disabled: 'ssh'. Add to 'netapi_enable_clients' master config option to enable.",
                "The server encountered an unexpected condition which prevented it from fulfilling the request.", StringComparison.Ordinal);

    private static SaltApiReply Page(int status, string body, string contentType = "text/html;charset=utf-8") =>
        SaltApiReply.Page(status, body, contentType);

    private sealed record Decision(SaltFault? Fault);
}
