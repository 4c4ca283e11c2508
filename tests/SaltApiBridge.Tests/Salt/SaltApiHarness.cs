using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Hosting;
using SaltApiBridge.Salt;
using SaltApiBridge.Salt.Api;
using SaltApiBridge.Tests.Salt.Events;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace SaltApiBridge.Tests.Salt;

/// <summary>
/// An in-process WireMock salt-api on 127.0.0.1 that answers with the captured transcripts, and the real client
/// (AddSaltApi: Refit, resilience pipeline) in front of it. The session and master run on a
/// <see cref="FakeTimeProvider"/>; the HTTP pipeline keeps real time, so advancing fake time never fires an
/// HTTP timeout.
/// </summary>
internal sealed class SaltApiHarness : IAsyncDisposable
{
    public const string MinionId = "my-asg-i-0123456789abcdef0";
    public const string UnknownMinionId = "my-asg-i-00000000000000bad";

    /// <summary>The token of transcript 01 (real, throwaway).</summary>
    public const string Token = "96319d4b685f15c0fc5988246d5a6965791d7728";

    public const string Password = "saltapi-test-pw";

    private readonly ServiceProvider _services;

    private SaltApiHarness(WireMockServer? server, string baseUrl, IDictionary<string, string?> settings)
    {
        Server = server;
        BaseUrl = baseUrl;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["SaltApi:BaseUrl"] = baseUrl,
                ["SaltApi:Username"] = "saltapi",
                ["SaltApi:Password"] = Password,
                ["SaltApi:MaxRetries"] = "2",
                ["SaltApi:RetryDelay"] = "00:00:00.010",
            })
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs))
            .AddSingleton(Metrics.Factory)
            .AddSaltApi(configuration);
        services.AddHttpClient(SaltApiServiceCollectionExtensions.HttpClientName)
            .AddHttpMessageHandler(Attempts.CreateHandler);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Options = _services.GetRequiredService<IOptions<SaltApiOptions>>();
        var api = _services.GetRequiredService<ISaltApi>();
        var loggers = _services.GetRequiredService<ILoggerFactory>();
        Outages = new DependencyOutages(Time, loggers.CreateLogger<DependencyOutages>());
        Session = new SaltApiSession(api, Options, Time, loggers.CreateLogger<SaltApiSession>(), Metrics.Factory, MasterOutage.For(Outages, Options.Value, Options.Value.Name));
        Master = new SaltApiMaster(Session, api, Options, Time, loggers.CreateLogger<SaltApiMaster>());
    }

    /// <summary>The stub; null for a harness pointed at a closed port.</summary>
    public WireMockServer? Server { get; }

    public string BaseUrl { get; }

    /// <summary>Starts at transcript 01's login time.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1795606398));

    public CapturedLogs Logs { get; } = new();

    public AttemptCounter Attempts { get; } = new();

    /// <summary>The counters of this harness's client (its own meter factory): retries, salt-api calls, logins.</summary>
    public MetricRecorder Metrics { get; } = new();

    /// <summary>The session's master in the dependency outages (on <see cref="Time"/>).</summary>
    public DependencyOutages Outages { get; }

    public IOptions<SaltApiOptions> Options { get; }

    public SaltApiSession Session { get; }

    public SaltApiMaster Master { get; }

    public IServiceProvider Services => _services;

    private WireMockServer Stub => Server ?? throw new InvalidOperationException("This harness has no stub server.");

    public static SaltApiHarness Start(IDictionary<string, string?>? settings = null)
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = [url] });
        return new SaltApiHarness(server, url, settings ?? new Dictionary<string, string?>());
    }

    /// <summary>A harness whose BaseUrl is a loopback port nobody listens on (connection refused).</summary>
    public static SaltApiHarness StartWithoutServer(IDictionary<string, string?>? settings = null) =>
        new(null, $"http://127.0.0.1:{LoopbackPort.Free()}", settings ?? new Dictionary<string, string?>());

    /// <summary>The response of a transcript, exactly: status, the master's headers, body_raw byte for byte.</summary>
    public static IResponseBuilder Reply(string transcript) => Reply(SaltApiTranscript.Load(transcript), null);

    /// <summary>
    /// A reply the transcripts lack, derived from one: the transcript's status and headers with another body.
    /// Used only where the capture has no exchange of that shape; each use says what it derives from.
    /// </summary>
    public static IResponseBuilder Reply(SaltApiTranscript transcript, string? derivedBody)
    {
        // Kestrel writes its own Content-Length (and must: a derived body has another length).
        var headers = transcript.ResponseHeaders
            .Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return Response.Create()
            .WithStatusCode(transcript.Status)
            .WithHeaders(headers)
            .WithBody(derivedBody is null ? transcript.ResponseBody : System.Text.Encoding.UTF8.GetBytes(derivedBody));
    }

    /// <summary>
    /// A wheel reply derived from transcript 44 (wheel key.name_match): same envelope (tag, data.fun/jid/user/_stamp,
    /// success), with <paramref name="returnJson"/> as <c>data.return</c>.
    /// </summary>
    public static IResponseBuilder DerivedWheelReply(string fun, string returnJson, bool success = true)
    {
        var transcript = SaltApiTranscript.Load("44");
        var body = JsonNode.Parse(transcript.ResponseBodyRaw)!;
        var data = body["return"]![0]!["data"]!;
        data["fun"] = "wheel." + fun;
        data["return"] = JsonNode.Parse(returnJson);
        data["success"] = success;
        return Reply(transcript, body.ToJsonString());
    }

    /// <summary>Runs <paramref name="task"/> to completion, moving fake time in steps while no HTTP call is in flight.</summary>
    public Task<T> AdvanceUntilCompleteAsync<T>(Task<T> task, TimeSpan step) =>
        Time.AdvanceUntilCompleteAsync(task, step, () => Attempts.InFlight);

    public IRespondWithAProvider OnLogin() => Stub.Given(Request.Create().WithPath("/login").UsingPost());

    public IRespondWithAProvider OnLogout() => Stub.Given(Request.Create().WithPath("/logout").UsingPost());

    /// <summary>POST / whose first lowstate has this client and fun.</summary>
    public IRespondWithAProvider OnLowstate(string client, string fun) =>
        Stub.Given(Request.Create().WithPath("/").UsingPost().WithBody((string? body) => FirstLowstateIs(body, client, fun)));

    public IRespondWithAProvider OnJob(string jid) => Stub.Given(Request.Create().WithPath("/jobs/" + jid).UsingGet());

    public IRespondWithAProvider OnHook(string tag) => Stub.Given(Request.Create().WithPath("/hook/" + tag).UsingPost());

    /// <summary>Logs in with transcript 01 for every /login.</summary>
    public SaltApiHarness WithLogin()
    {
        OnLogin().RespondWith(Reply("01"));
        return this;
    }

    public IReadOnlyList<IRequestMessage> Requests(string path, string method = "POST") =>
        [.. Stub.LogEntries.Select(e => e.RequestMessage).OfType<IRequestMessage>().Where(r => r.Path == path && r.Method == method)];

    public IReadOnlyList<IRequestMessage> Logins => Requests("/login");

    /// <summary>The first lowstate of each POST / whose fun is <paramref name="fun"/>, with the request it came in.</summary>
    public IReadOnlyList<(JsonObject Lowstate, IRequestMessage Request)> Lowstates(string fun) =>
        [.. Requests("/")
            .Select(r => (Lowstate: FirstLowstate(r.Body) ?? [], Request: r))
            .Where(x => x.Lowstate["fun"]?.GetValue<string>() == fun)];

    public static string? Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        await _services.DisposeAsync();
        Metrics.Dispose();
        Server?.Stop();
        Server?.Dispose();
    }

    private static bool FirstLowstateIs(string? body, string client, string fun)
    {
        var lowstate = FirstLowstate(body);
        return lowstate?["client"]?.GetValue<string>() == client && lowstate?["fun"]?.GetValue<string>() == fun;
    }

    private static JsonObject? FirstLowstate(string? body)
    {
        try
        {
            return body is null ? null : JsonNode.Parse(body) is JsonArray { Count: > 0 } array ? array[0] as JsonObject : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

}
