using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaltApiBridge.Salt;
using SaltApiBridge.Simulation;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace SaltApiBridge.Benchmarks;

/// <summary>
/// What the salt-api client adds on top of a bare HttpClient POST: Refit, the source-generated JSON, the session
/// (token lookup), the resilience pipeline (timeouts, retry, circuit breaker) and reply checks. Both sides talk
/// to the same in-process WireMock stub on loopback, which answers with the bodies of transcripts 01, 26 and 44.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet owns the lifetime: GlobalCleanup disposes.")]
public class SaltClientOverheadBenchmarks
{
    private const string Token = "96319d4b685f15c0fc5988246d5a6965791d7728";
    private const string MinionId = "my-asg-i-0123456789abcdef0";
    private const string Tag = "saltapibridge/launching";

    // Bodies of fixtures/salt-api transcripts 01 (login), 26 (hook) and 44 (wheel key.name_match).
    private const string LoginBody = """{"return": [{"token": "96319d4b685f15c0fc5988246d5a6965791d7728", "expire": 1795649598.3245456, "start": 1795606398.3245454, "user": "saltapi", "eauth": "file", "perms": [".*", "@jobs", "@runner", "@wheel"]}]}""";
    private const string HookBody = """{"success": true}""";
    private const string NameMatchBody = """{"return": [{"tag": "salt/wheel/20261125113812528762", "data": {"fun": "wheel.key.name_match", "jid": "20261125113812528762", "tag": "salt/wheel/20261125113812528762", "user": "saltapi", "_stamp": "2026-11-25T11:38:12.544998", "return": {"minions": ["my-asg-i-0123456789abcdef0"]}, "success": true}}]}""";

    private readonly JsonObject _event = new() { ["instance_id"] = "i-0123456789abcdef0", ["asg"] = "my-asg", ["event"] = "launching" };
    private WireMockServer? _server;
    private ServiceProvider? _services;
    private ISaltMaster? _master;
    private HttpClient? _raw;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        _server = WireMockServer.Start(new WireMockServerSettings { Urls = [url] });
        _server.Given(Request.Create().WithPath("/login").UsingPost()).RespondWith(Json(LoginBody));
        _server.Given(Request.Create().WithPath("/hook/" + Tag).UsingPost()).RespondWith(Json(HookBody));
        _server.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Json(NameMatchBody));

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SaltApi:BaseUrl"] = url,
                ["SaltApi:Username"] = "saltapi",
                ["SaltApi:Password"] = "saltapi-test-pw",
            })
            .Build();
        _services = new ServiceCollection().AddLogging().AddSaltApi(configuration).BuildServiceProvider();
        _master = _services.GetRequiredService<ISaltMaster>();
        // Log in once, outside the measurement.
        await _master.FireEventAsync(Tag, _event, CancellationToken.None);

        _raw = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(url) };
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _raw?.Dispose();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _server?.Stop();
        _server?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient POST /hook")]
    public async Task<bool> RawHookPost()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hook/" + Tag) { Content = JsonContent.Create(_event) };
        request.Headers.Add("X-Auth-Token", Token);
        request.Headers.Add("Accept", "application/json");
        using var response = await _raw!.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var reply = await response.Content.ReadFromJsonAsync<JsonObject>();
        return reply!["success"]!.GetValue<bool>();
    }

    [Benchmark(Description = "ISaltMaster.FireEventAsync")]
    public Task FireEvent() => _master!.FireEventAsync(Tag, _event, CancellationToken.None);

    [Benchmark(Description = "raw HttpClient POST / key.name_match")]
    public async Task<bool> RawNameMatchPost()
    {
        var lowstate = new JsonArray(new JsonObject { ["client"] = "wheel", ["fun"] = "key.name_match", ["match"] = MinionId });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = JsonContent.Create(lowstate) };
        request.Headers.Add("X-Auth-Token", Token);
        request.Headers.Add("Accept", "application/json");
        using var response = await _raw!.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var reply = await response.Content.ReadFromJsonAsync<JsonObject>();
        return reply!["return"]![0]!["data"]!["return"]!["minions"]!.AsArray().Any(id => id!.GetValue<string>() == MinionId);
    }

    [Benchmark(Description = "ISaltMaster.GetKeyStateAsync")]
    public Task<MinionKeyState> GetKeyState() => _master!.GetKeyStateAsync(MinionId, CancellationToken.None);

    private static IResponseBuilder Json(string body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);
}
