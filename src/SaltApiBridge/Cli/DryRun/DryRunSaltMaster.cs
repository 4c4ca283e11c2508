using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaltApiBridge.Cli.DryRun;

/// <summary>
/// A healthy Salt 3006 master behind rest_cherrypy, in process, for <c>replay --dry-run</c>: answers login, logout,
/// hooks, the wheel key functions, <c>local</c> test.ping, <c>local_async</c> publishes and <c>/jobs/&lt;jid&gt;</c> in the
/// shapes of the transcripts in <c>fixtures/salt-api/</c> (01, 39, 26, 44, 41, 45, 10, 13/47, 16, 20, 30; the tests
/// compare them). Keys move as the calls ask; every published state run has succeeded by the time it is asked about.
/// </summary>
internal sealed class DryRunSaltMaster(TimeProvider time)
{
    private const string Token = "0000000000000000000000000000000000dryrun";

    private readonly Dictionary<string, string> keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Minion, string Fun, string[] Args, DateTimeOffset Start)> jobs = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private long lastJid;
    private long lastWheelJid;

    public void SetKey(string minionId, string directory)
    {
        lock (gate)
            keys[minionId] = directory;
    }

    public DryRunReply Answer(string method, string path, string body)
    {
        lock (gate)
        {
            return (method, path) switch
            {
                ("POST", "/login") => Login(body),
                ("POST", "/logout") => DryRunReply.Json("""{"return": "Your token has been cleared"}"""),
                ("POST", _) when path.StartsWith("/hook/", StringComparison.Ordinal) => DryRunReply.Json("""{"success": true}"""),
                ("GET", _) when path.StartsWith("/jobs/", StringComparison.Ordinal) => Job(path["/jobs/".Length..]),
                ("POST", "/") => Lowstate(body),
                _ => BadRequest($"Unexpected request {method} {path}"),
            };
        }
    }

    private DryRunReply Login(string body)
    {
        var login = JsonNode.Parse(body);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        return DryRunReply.Json(
            $$$"""{"return": [{"token": "{{{Token}}}", "expire": {{{Number(now + 36000)}}}, "start": {{{Number(now)}}}, "user": {{{Quote(login?["username"]?.GetValue<string>() ?? "")}}}, "eauth": {{{Quote(login?["eauth"]?.GetValue<string>() ?? "")}}}, "perms": [".*", "@jobs", "@runner", "@wheel"]}]}""");
    }

    private DryRunReply Lowstate(string body)
    {
        var parsed = JsonNode.Parse(body);
        var lowstate = (parsed is JsonArray { Count: > 0 } array ? array[0] : parsed) as JsonObject;
        var client = lowstate?["client"]?.GetValue<string>();
        var fun = lowstate?["fun"]?.GetValue<string>();
        if (lowstate is null || client is null || fun is null)
            return BadRequest("Missing client or fun");
        if (client == "wheel")
            return Wheel(fun, lowstate["match"]);
        if (client is not ("local" or "local_async") || lowstate["tgt"] is not { } tgt)
            return BadRequest($"Invalid client specified: '{client}'");

        var minion = tgt is JsonArray { Count: 1 } list ? list[0]!.GetValue<string>() : tgt.GetValue<string>();
        var accepted = keys.GetValueOrDefault(minion) == "minions";
        if (client == "local")
            return DryRunReply.Json(accepted ? $$$"""{"return": [{{{{Quote(minion)}}}: true}]}""" : """{"return": [{}]}""");
        if (!accepted)
            return DryRunReply.Json("""{"return": [{}]}""");

        // A caller-chosen jid names the job (transcript 47); without one the master makes one up.
        var jid = lowstate["jid"]?.GetValue<string>() ?? (20261125000000000000m + ++lastJid).ToString(CultureInfo.InvariantCulture);
        string[] args = lowstate["arg"] is JsonArray arg ? [.. arg.Select(a => a?.ToString() ?? "")] : [];
        jobs.TryAdd(jid, (minion, fun, args, time.GetUtcNow()));
        return DryRunReply.Json($$$"""{"return": [{"jid": {{{Quote(jid)}}}, "minions": [{{{Quote(minion)}}}]}]}""");
    }

    private DryRunReply Wheel(string fun, JsonNode? match)
    {
        string data;
        switch (fun, match)
        {
            case ("key.name_match", JsonValue id):
                data = keys.TryGetValue(id.GetValue<string>(), out var directory)
                    ? $$$"""{{{{Quote(directory)}}}: [{{{Quote(id.GetValue<string>())}}}]}"""
                    : "{}";
                break;
            case ("key.accept_dict", JsonObject { Count: 1 } dict) when dict.Single() is { Key: var from, Value: JsonArray { Count: 1 } ids }:
            {
                var id = ids[0]!.GetValue<string>();
                var moved = keys.GetValueOrDefault(id) == from;
                if (moved)
                    keys[id] = "minions";
                data = moved ? $$$"""{"minions": [{{{Quote(id)}}}]}""" : "{}";
                break;
            }
            case ("key.delete_dict", JsonObject { Count: 1 } dict) when dict["minions"] is JsonArray { Count: 1 } ids:
                keys.Remove(ids[0]!.GetValue<string>());
                data = "{}";
                break;
            case ("key.list_all", null):
                data = $$$"""{"minions": [{{{string.Join(", ", keys.Where(k => k.Value == "minions").Select(k => Quote(k.Key)))}}}], "minions_pre": [], "minions_rejected": [], "minions_denied": [], "local": ["master.pem", "master.pub"]}""";
                break;
            default:
                return BadRequest($"Unexpected wheel call {fun}");
        }

        // Wheel calls have jids of their own; jobs keep theirs in order (20261125000000000001, …).
        var jid = (20261125000000500000m + ++lastWheelJid).ToString(CultureInfo.InvariantCulture);
        return DryRunReply.Json(
            $$$"""{"return": [{"tag": "salt/wheel/{{{jid}}}", "data": {"fun": "wheel.{{{fun}}}", "jid": "{{{jid}}}", "tag": "salt/wheel/{{{jid}}}", "user": "saltapi", "_stamp": "{{{time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture)}}}", "return": {{{data}}}, "success": true}}]}""");
    }

    private DryRunReply Job(string jid)
    {
        if (!jobs.TryGetValue(jid, out var job))
        {
            return DryRunReply.Json(
                $$$"""{"info": [{"jid": {{{Quote(jid)}}}, "Error": "Cannot contact returner or no job with this jid", "StartTime": "2099, Jan 01 00:00:00.000000", "Result": {}}], "return": [{}]}""");
        }

        var minion = Quote(job.Minion);
        var arguments = string.Join(", ", job.Args.Select(Quote));
        var states = job.Fun == "test.ping"
            ? "true"
            : $$$"""{"test_|-dry_run_|-dry run_|-succeed_without_changes": {"name": "dry run", "changes": {}, "result": true, "comment": "Success!", "__sls__": "{{{(job.Args.Length > 0 ? job.Args[0] : "top")}}}", "__run_num__": 0, "start_time": "{{{job.Start.UtcDateTime.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}}}", "duration": 0.5, "__id__": "dry_run"}}""";
        return DryRunReply.Json(
            $$$"""{"info": [{"jid": {{{Quote(jid)}}}, "Function": {{{Quote(job.Fun)}}}, "Arguments": [{{{arguments}}}], "Target": [{{{minion}}}], "Target-type": "list", "User": "saltapi", "Minions": [{{{minion}}}], "StartTime": "{{{job.Start.UtcDateTime.ToString("yyyy, MMM dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}}}", "Result": {{{{minion}}}: {"return": {{{states}}}, "retcode": 0, "success": true, "out": "highstate"}"""
            + $$$"""}}], "return": [{{{{minion}}}: {{{states}}}}]}""");
    }

    /// <summary>CherryPy's 400 page, as transcript 30 shows it.</summary>
    private static DryRunReply BadRequest(string reason) => new(
        HttpStatusCode.BadRequest,
        "text/html;charset=utf-8",
        $"""<!DOCTYPE html><html><head><title>400 Bad Request</title></head><body><h2>400 Bad Request</h2><p>{WebUtility.HtmlEncode(reason)}</p></body></html>""");

    private static string Quote(string text) => "\"" + JsonEncodedText.Encode(text).Value + "\"";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
