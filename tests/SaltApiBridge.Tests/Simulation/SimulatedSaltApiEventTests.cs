using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Simulation;

/// <summary>The simulated <c>GET /events</c> against the real master's stream (transcript 50) and its fault knobs.</summary>
public sealed class SimulatedSaltApiEventTests : IAsyncDisposable
{
    private const string Minion = "my-asg-i-0123456789abcdef0";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 29, 14, 42, 36, TimeSpan.Zero));
    private readonly SimulatedSaltApi salt;

    public SimulatedSaltApiEventTests()
    {
        salt = new SimulatedSaltApi(timeProvider: time)
        {
            AcceptanceWaitTime = TimeSpan.FromSeconds(10),
            MinionStartDelay = TimeSpan.FromSeconds(6.3),
            JobDuration = _ => TimeSpan.FromSeconds(5),
        };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => salt.DisposeAsync();

    [Fact]
    public async Task Events_ValidToken_HeadersOfTranscript50ThenRetry400()
    {
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);

        stream.Response.StatusCode.Should().Be(HttpStatusCode.OK);
        stream.FirstLine.Should().Be("retry: 400");
        var captured = SaltApiTranscript.Load("50");
        foreach (var name in new[] { "Content-Type", "Server", "Allow", "Access-Control-Allow-Origin", "Cache-Control", "Vary" })
        {
            // As written on the wire, not as .NET re-formats parsed values.
            var sent = stream.Response.Headers.NonValidated.TryGetValues(name, out var values) ? values : stream.Response.Content.Headers.NonValidated[name];
            string.Join(", ", sent).Should().Be(captured.ResponseHeader(name), name);
        }

        stream.Response.Headers.TransferEncodingChunked.Should().BeTrue();
    }

    [Fact]
    public async Task Events_TokenInQueryString_IsAccepted()
    {
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct, inQuery: true);

        stream.Response.StatusCode.Should().Be(HttpStatusCode.OK);
        stream.FirstLine.Should().Be("retry: 400");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Events_NoTokenOrRefused_401HtmlOfTranscript28(bool refused)
    {
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        salt.RefuseEventStreams = refused;

        await using var stream = await EventStreamClient.OpenAsync(salt, refused ? token : null, Ct);

        stream.Response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        stream.RefusalBody.Should().Be(SaltApiTranscript.Load("28").ResponseBodyRaw);
        salt.OpenEventStreams.Should().Be(0);
    }

    [Fact]
    public async Task Events_LaunchHighstateHookAndDelete_EventsInOrderWithTheShapesOfTranscript50()
    {
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);
        var seen = new List<(string Tag, JsonObject Data)>();

        salt.SetKey(Minion, "minions_pre");
        seen.AddRange(await stream.UntilAsync(t => t == "salt/auth", Ct));
        time.Advance(TimeSpan.FromSeconds(10));
        seen.AddRange(await stream.UntilAsync(t => t == "salt/auth", Ct));
        await SimulatorHttp.LowstateAsync(http, new JsonObject
        {
            ["client"] = "wheel", ["fun"] = "key.accept_dict", ["match"] = new JsonObject { ["minions_pre"] = new JsonArray(Minion) },
        }, Ct);
        seen.AddRange(await stream.UntilAsync(t => t == "salt/key", Ct));
        var early = await SimulatorHttp.LowstateAsync(http, Ping(), Ct);
        time.Advance(TimeSpan.FromSeconds(6.3));
        seen.AddRange(await stream.UntilAsync(t => t == $"salt/minion/{Minion}/start", Ct));
        var late = await SimulatorHttp.LowstateAsync(http, Ping(), Ct);
        seen.AddRange(await stream.UntilAsync(t => t.StartsWith("salt/job/", StringComparison.Ordinal) && t.Contains("/ret/", StringComparison.Ordinal), Ct));

        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", "20261129144256000001"), Ct);
        seen.AddRange(await stream.UntilAsync(t => t == "salt/job/20261129144256000001/new", Ct));
        time.Advance(TimeSpan.FromSeconds(5));
        seen.AddRange(await stream.UntilAsync(t => t == $"salt/job/20261129144256000001/ret/{Minion}", Ct));
        await SimulatorHttp.JobAsync(http, "20261129144256000001", Ct);
        seen.AddRange(await stream.UntilAsync(t => t.StartsWith("salt/run/", StringComparison.Ordinal) && t.EndsWith("/ret", StringComparison.Ordinal), Ct));
        using (var hook = await http.PostAsync(new Uri("/hook/saltapibridge/provisioned", UriKind.Relative),
            new StringContent($$"""{"minion_id": "{{Minion}}", "outcome": "succeeded"}""", System.Text.Encoding.UTF8, "application/json"), Ct))
            hook.EnsureSuccessStatusCode();
        seen.AddRange(await stream.UntilAsync(t => t == "salt/netapi/hook/saltapibridge/provisioned", Ct));
        await SimulatorHttp.LowstateAsync(http, new JsonObject
        {
            ["client"] = "wheel", ["fun"] = "key.delete_dict", ["match"] = new JsonObject { ["minions"] = new JsonArray(Minion) },
        }, Ct);
        seen.AddRange(await stream.UntilAsync(t => t == "salt/key", Ct));

        early.Should().Be(SaltApiTranscript.Load("09").ResponseBodyRaw, "the minion is not back yet right after the accept");
        late.Should().Be(SaltApiTranscript.Load("10").ResponseBodyRaw);
        seen.Select(e => Kind(e.Tag)).Should().Equal(
            "salt/auth", "salt/auth", "salt/key",
            "salt/auth", "minion_start", "salt/minion/<id>/start",
            "<jid>", "salt/job/<jid>/new", "salt/job/<jid>/ret/<id>",
            "<jid>", "salt/job/<jid>/new", "salt/job/<jid>/ret/<id>",
            "salt/run/<jid>/new", "salt/run/<jid>/ret",
            "salt/netapi/hook/saltapibridge/provisioned",
            "salt/key");
        seen.Select(e => e.Data["data"]!["act"]?.GetValue<string>()).Where(a => a is not null).Should().Equal("pend", "pend", "accept", "accept", "delete");
        foreach (var (tag, data) in seen)
        {
            data["tag"]!.GetValue<string>().Should().Be(tag);
            KeysOf(data["data"]!).Should().Equal(CapturedKeys(tag, data["data"]!), tag);
        }

        var ret = seen.Single(e => e.Tag == $"salt/job/20261129144256000001/ret/{Minion}").Data["data"]!;
        ret["success"]!.GetValue<bool>().Should().BeTrue();
        ret["retcode"]!.GetValue<int>().Should().Be(0);
        ret["fun"]!.GetValue<string>().Should().Be("state.highstate");
        ret["return"]!.AsObject().Should().NotBeEmpty();
        var hookData = seen.Single(e => e.Tag.StartsWith("salt/netapi/", StringComparison.Ordinal)).Data["data"]!;
        hookData["post"]!["outcome"]!.GetValue<string>().Should().Be("succeeded");
        hookData["headers"]!["X-Auth-Token"]!.GetValue<string>().Should().Be(token, "the real master forwards the caller's headers, token included");
    }

    [Fact]
    public async Task Events_FailingState_AlsoEmitsTheErrorEventOfTranscript50()
    {
        salt.SetKey(Minion, "minions");
        salt.FailingMinions[Minion] = true;
        salt.JobDuration = _ => TimeSpan.Zero;
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);

        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.sls", "20261129144314759339", "fail"), Ct);
        var events = await stream.UntilAsync(t => t.Contains("/error/", StringComparison.Ordinal), Ct);

        events.Select(e => e.Tag).Should().EndWith([$"salt/job/20261129144314759339/ret/{Minion}", $"salt/job/20261129144314759339/sub/{Minion}/error/state.sls"]);
        var error = events[^1].Data["data"]!;
        KeysOf(error).Should().Equal(CapturedKeys(events[^1].Tag, error));
        error["result"]!.GetValue<bool>().Should().BeFalse();
        var ret = events[^2].Data["data"]!;
        ret["retcode"]!.GetValue<int>().Should().Be(2);
        ret["success"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Events_RefusedHighstate_ReturnEventCarriesTheRefusalOfTranscript50()
    {
        salt.SetKey(Minion, "minions");
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);
        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", "20261129144256000001"), Ct);

        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", "20261129144259569980"), Ct);
        var events = await stream.UntilAsync(t => t.Contains("/ret/", StringComparison.Ordinal), Ct);

        var ret = events[^1].Data["data"]!;
        events[^1].Tag.Should().Be($"salt/job/20261129144259569980/ret/{Minion}", "the refusal returns at once; the first job still runs");
        KeysOf(ret).Should().Equal(CapturedKeys(events[^1].Tag, ret));
        ret["return"]!.AsArray().Single()!.GetValue<string>().Should().StartWith("The function \"state.highstate\" is running as PID");
        ret["retcode"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task Events_TwoStreams_EachGetsEveryEvent()
    {
        salt.SetKey(Minion, "minions");
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var first = await EventStreamClient.OpenAsync(salt, token, Ct);
        await using var second = await EventStreamClient.OpenAsync(salt, token, Ct);

        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "test.ping", "20261129144256618252"), Ct);

        var one = await first.UntilAsync(t => t.Contains("/ret/", StringComparison.Ordinal), Ct);
        var two = await second.UntilAsync(t => t.Contains("/ret/", StringComparison.Ordinal), Ct);
        one.Select(e => e.Tag).Should().Equal("20261129144256618252", "salt/job/20261129144256618252/new", $"salt/job/20261129144256618252/ret/{Minion}");
        two.Select(e => e.Tag).Should().Equal(one.Select(e => e.Tag));
        salt.OpenEventStreams.Should().Be(2);
    }

    [Fact]
    public async Task DropEventStreams_OpenStreams_EndAndMayReconnect()
    {
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);

        salt.DropEventStreams();

        (await stream.NextAsync(Wait, Ct)).Should().BeNull("the connection was closed");
        await Eventually.UntilAsync(() => Task.FromResult(salt.OpenEventStreams == 0), Wait, () => "the stream is still counted");
        await using var again = await EventStreamClient.OpenAsync(salt, token, Ct);
        again.FirstLine.Should().Be("retry: 400");
    }

    [Fact]
    public async Task StallEventStreams_StreamStaysOpenButSendsNothing()
    {
        salt.SetKey(Minion, "minions");
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);

        salt.StallEventStreams = true;
        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "test.ping"), Ct);

        await Task.Delay(500, Ct);
        salt.OpenEventStreams.Should().Be(1, "the connection stays open");
        // Giving up on the read (as a client's idle timeout would) is the only way out: nothing arrives, nothing ends it.
        var next = async () => await stream.NextAsync(TimeSpan.FromMilliseconds(500), Ct);
        await next.Should().ThrowAsync<OperationCanceledException>("nothing arrives, and the connection does not end");
    }

    [Fact]
    public async Task Flood_ForeignEventsPerSecondWithLargeReturns()
    {
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);

        salt.Flood(eventsPerSecond: 40, returnBytes: 2 * 1024 * 1024);
        time.Advance(TimeSpan.FromSeconds(1));

        var events = new List<(string Tag, JsonObject Data)>();
        for (var i = 0; i < 40; i++)
            events.Add((await stream.NextAsync(Wait, Ct))!.Value);
        events.Should().OnlyContain(e => e.Tag.StartsWith("salt/job/", StringComparison.Ordinal) && !e.Tag.Contains(Minion, StringComparison.Ordinal));
        events.Where(e => e.Tag.Contains("/ret/", StringComparison.Ordinal)).Should().HaveCount(20)
            .And.OnlyContain(e => e.Data["data"]!["return"]!.GetValue<string>().Length == 2 * 1024 * 1024);
        events.Where(e => e.Tag.EndsWith("/new", StringComparison.Ordinal)).Should().OnlyContain(e => e.Data["data"]!["user"]!.GetValue<string>() != "saltapi");
        salt.Flood(0);
    }

    [Fact]
    public async Task OversizedReturns_ReturnEventOfThatJidIsAtLeastThatLarge()
    {
        salt.SetKey(Minion, "minions");
        salt.JobDuration = _ => TimeSpan.Zero;
        salt.OversizedReturns["20261129144256000001"] = 5 * 1024 * 1024;
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);

        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", "20261129144256000001"), Ct);
        var ret = (await stream.UntilAsync(t => t.Contains("/ret/", StringComparison.Ordinal), Ct))[^1].Data;

        ret.ToJsonString().Length.Should().BeGreaterThan(5 * 1024 * 1024);
        ret["data"]!["success"]!.GetValue<bool>().Should().BeTrue("the padding is one more succeeding state");
    }

    [Fact]
    public async Task ReturnBeforePublishReply_ReturnEventIsSentBeforeTheLocalAsyncReply()
    {
        salt.SetKey(Minion, "minions");
        salt.ReturnBeforePublishReply = true;
        var (http, token) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await using var stream = await EventStreamClient.OpenAsync(salt, token, Ct);

        var publish = SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", "20261129144256000001"), Ct);
        await stream.UntilAsync(t => t.EndsWith("/new", StringComparison.Ordinal), Ct);
        await Task.Delay(200, Ct);
        publish.IsCompleted.Should().BeFalse("the reply waits for the job's return");
        time.Advance(TimeSpan.FromSeconds(5));
        await stream.UntilAsync(t => t.Contains("/ret/", StringComparison.Ordinal), Ct);

        (await publish).Should().Be(SaltApiTranscript.Load("47").ResponseBodyRaw);
    }

    private static JsonObject Ping() => new()
    {
        ["client"] = "local", ["tgt"] = new JsonArray(Minion), ["tgt_type"] = "list", ["fun"] = "test.ping",
    };

    /// <summary>The tag with jids and the minion id generalised, to compare event kinds.</summary>
    private static string Kind(string tag) =>
        System.Text.RegularExpressions.Regex.Replace(tag.Replace(Minion, "<id>", StringComparison.Ordinal), "[0-9]{20}(_[0-9a-f]+)?", "<jid>");

    private static List<string> KeysOf(JsonNode node) => [.. node.AsObject().Select(kv => kv.Key)];

    /// <summary>The data keys, in order, of the captured event of the same kind (and, for returns, the same return shape).</summary>
    private static List<string> CapturedKeys(string tag, JsonNode data)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepoFixtures.Path("salt-api", "50-events-stream-launch-to-delete.json")));
        var kind = Kind(tag);
        var act = data["act"]?.GetValue<string>();
        var fun = data["fun"]?.GetValue<string>();
        foreach (var captured in document.RootElement.GetProperty("events").EnumerateArray())
        {
            var capturedData = captured.GetProperty("data").GetProperty("data");
            if (Kind(captured.GetProperty("tag").GetString()!) != kind)
                continue;
            if (act is not null && capturedData.GetProperty("act").GetString() != act)
                continue;
            if (fun is not null && capturedData.TryGetProperty("fun", out var capturedFun) && capturedFun.GetString() != fun && kind.Contains("/ret/", StringComparison.Ordinal))
                continue;
            return [.. capturedData.EnumerateObject().Select(p => p.Name)];
        }

        throw new InvalidOperationException($"transcript 50 has no {kind} event");
    }
}
