using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Simulation;

public sealed class SimulatedSaltApiTests
{
    private const string Minion = "web-asg-i-0123456789abcdef0";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Highstate_EarlierJobEndedButNobodyAskedAboutIt_IsNoOverlap()
    {
        await using var salt = new SimulatedSaltApi(timeProvider: time) { JobDuration = _ => TimeSpan.FromSeconds(10) };
        salt.SetKey(Minion, "minions");
        using var http = await LoggedInAsync(salt);

        await StartHighstateAsync(http);
        time.Advance(TimeSpan.FromSeconds(11));
        await StartHighstateAsync(http);

        // A client that died before polling /jobs does not keep the job running on the minion.
        salt.Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task Highstate_NewJidWhileEarlierJobRuns_IsRefusedNotRunAndRecorded()
    {
        await using var salt = new SimulatedSaltApi(timeProvider: time) { JobDuration = _ => TimeSpan.FromSeconds(10) };
        salt.SetKey(Minion, "minions");
        using var http = await LoggedInAsync(salt);

        await StartHighstateAsync(http);
        time.Advance(TimeSpan.FromSeconds(9));
        await StartHighstateAsync(http);

        salt.StateRunsStarted(Minion).Should().Be(1, "the minion refuses a second state run");
        salt.Violations.Should().ContainSingle().Which.Should().Contain($"published on {Minion} under a new jid").And.Contain("refused");
    }

    [Fact]
    public async Task HoldStateRun_HeldHighstate_ReturnsItsDurationAfterTheReleaseNotBefore()
    {
        var release = new TaskCompletionSource();
        await using var salt = new SimulatedSaltApi(timeProvider: time)
        {
            JobDuration = _ => TimeSpan.FromSeconds(10),
            HoldStateRun = (_, function) => function == "state.highstate" ? release.Task : null,
        };
        salt.SetKey(Minion, "minions");
        using var http = await LoggedInAsync(salt);

        await StartHighstateAsync(http);
        time.Advance(TimeSpan.FromMinutes(5));
        var whileHeld = salt.Returns.Count;
        release.SetResult();
        time.Advance(TimeSpan.FromSeconds(9));
        var beforeItsDuration = salt.Returns.Count;
        time.Advance(TimeSpan.FromSeconds(1));

        whileHeld.Should().Be(0, "a held run goes on");
        beforeItsDuration.Should().Be(0, "its duration counts from the release");
        salt.Returns.Should().ContainSingle().Which.Function.Should().Be("state.highstate");
    }

    [Fact]
    public async Task ReplyFilter_ReplyReplacedAfterTheMasterActed_KeyIsAcceptedAnyway()
    {
        await using var salt = new SimulatedSaltApi(timeProvider: time);
        salt.SetKey(Minion, "minions_pre");
        using var http = await LoggedInAsync(salt);
        salt.ReplyFilter = (request, reply) => request.Path == "/" ? SaltApiReply.Page(500, "") : reply;

        using var response = await PostLowstateAsync(http, new JsonObject
        {
            ["client"] = "wheel",
            ["fun"] = "key.accept_dict",
            ["match"] = new JsonObject { ["minions_pre"] = new JsonArray(Minion) },
        });

        ((int)response.StatusCode).Should().Be(500);
        salt.KeyOf(Minion).Should().Be("minions");
    }

    [Fact]
    public async Task Stall_WithReplacedReply_WaitsThenTheMasterNeverActs()
    {
        await using var salt = new SimulatedSaltApi(timeProvider: time);
        salt.SetKey(Minion, "minions_pre");
        using var http = await LoggedInAsync(salt);
        salt.Stall = request => request.Path == "/" ? TimeSpan.FromMinutes(1) : TimeSpan.Zero;
        salt.Interceptor = request => request.Path == "/" ? SaltApiReply.Page(503, "") : null;

        var call = PostLowstateAsync(http, new JsonObject
        {
            ["client"] = "wheel",
            ["fun"] = "key.accept_dict",
            ["match"] = new JsonObject { ["minions_pre"] = new JsonArray(Minion) },
        });
        await Task.Delay(200, Ct);
        call.IsCompleted.Should().BeFalse("the request waits for the stall");
        time.Advance(TimeSpan.FromMinutes(1));
        using var response = await call;

        ((int)response.StatusCode).Should().Be(503);
        salt.KeyOf(Minion).Should().Be("minions_pre");
    }

    private static async Task<HttpClient> LoggedInAsync(SimulatedSaltApi salt)
    {
        var http = new HttpClient { BaseAddress = new Uri(salt.BaseUrl) };
        using var login = await http.PostAsJsonAsync("/login", new { username = "saltapi", password = "pw", eauth = "file" }, Ct);
        var token = JsonNode.Parse(await login.Content.ReadAsStringAsync(Ct))!["return"]![0]!["token"]!.GetValue<string>();
        http.DefaultRequestHeaders.Add("X-Auth-Token", token);
        return http;
    }

    private static async Task StartHighstateAsync(HttpClient http)
    {
        using var response = await PostLowstateAsync(http, new JsonObject
        {
            ["client"] = "local_async",
            ["fun"] = "state.highstate",
            ["tgt"] = new JsonArray(Minion),
            ["tgt_type"] = "list",
        });
        response.EnsureSuccessStatusCode();
    }

    private static Task<HttpResponseMessage> PostLowstateAsync(HttpClient http, JsonObject lowstate) =>
        http.PostAsync(new Uri("/", UriKind.Relative), new StringContent(new JsonArray(lowstate).ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct);
}
