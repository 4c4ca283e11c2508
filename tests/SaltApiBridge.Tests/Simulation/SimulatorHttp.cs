using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Simulation;

/// <summary>Plain HTTP calls to the simulated salt-api, as curl made them for the transcripts.</summary>
internal static class SimulatorHttp
{
    public static async Task<(HttpClient Http, string Token)> LoggedInAsync(SimulatedSaltApi salt, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = new Uri(salt.BaseUrl) };
        using var login = await http.PostAsJsonAsync("/login", new { username = "saltapi", password = "pw", eauth = "file" }, cancellationToken);
        var token = JsonNode.Parse(await login.Content.ReadAsStringAsync(cancellationToken))!["return"]![0]!["token"]!.GetValue<string>();
        http.DefaultRequestHeaders.Add("X-Auth-Token", token);
        return (http, token);
    }

    /// <summary>One lowstate; the reply's body text.</summary>
    public static async Task<string> LowstateAsync(HttpClient http, JsonObject lowstate, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(
            new Uri("/", UriKind.Relative), new StringContent(new JsonArray(lowstate).ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public static JsonObject Publish(string minion, string fun, string? jid = null, params string[] args)
    {
        var lowstate = new JsonObject { ["client"] = "local_async", ["tgt"] = new JsonArray(minion), ["tgt_type"] = "list", ["fun"] = fun };
        if (args.Length > 0)
            lowstate["arg"] = new JsonArray([.. args.Select(a => (JsonNode)a)]);
        if (jid is not null)
            lowstate["jid"] = jid;
        return lowstate;
    }

    public static async Task<string> JobAsync(HttpClient http, string jid, CancellationToken cancellationToken) =>
        await http.GetStringAsync(new Uri("/jobs/" + jid, UriKind.Relative), cancellationToken);
}
