using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Simulation;

/// <summary>The simulated master's jid rules against the real master's (transcripts 47, 48, 49).</summary>
public sealed partial class SimulatedSaltApiJidTests : IAsyncDisposable
{
    private const string Minion = "my-asg-i-0123456789abcdef0";
    private const string CapturedJid = "20261129144256000001";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 29, 14, 42, 56, TimeSpan.Zero));
    private readonly SimulatedSaltApi salt;

    public SimulatedSaltApiJidTests()
    {
        salt = new SimulatedSaltApi(timeProvider: time) { JobDuration = _ => TimeSpan.FromSeconds(30) };
        salt.SetKey(Minion, "minions");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => salt.DisposeAsync();

    [Fact]
    public async Task LocalAsync_CallerChosenJid_PublishesUnderExactlyThatJidAsTranscript47()
    {
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        var reply = await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", CapturedJid), Ct);

        reply.Should().Be(SaltApiTranscript.Load("47").ResponseBodyRaw);
        salt.PublishedJids(Minion).Should().Equal(CapturedJid);
        salt.StateRunsStarted(Minion).Should().Be(1);
    }

    [Fact]
    public async Task LocalAsync_SuffixedJid_IsAccepted()
    {
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        const string jid = "20261129144256123456_3f9a0c";

        var reply = JsonNode.Parse(await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", jid), Ct))!;

        reply["return"]![0]!["jid"]!.GetValue<string>().Should().Be(jid);
    }

    [Fact]
    public async Task LocalAsync_NoJid_MakesUpATwentyDigitJid()
    {
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        var reply = JsonNode.Parse(await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate"), Ct))!;

        reply["return"]![0]!["jid"]!.GetValue<string>().Should().MatchRegex("^[0-9]{20}$");
        reply["return"]![0]!["minions"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal(Minion);
    }

    [Fact]
    public async Task LocalAsync_SameJidAgainWhileItRuns_SameReplyAsTranscript48ButRunsOnce()
    {
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", CapturedJid), Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        var again = await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", CapturedJid), Ct);

        again.Should().Be(SaltApiTranscript.Load("48").ResponseBodyRaw);
        salt.PublishedJids(Minion).Should().Equal(CapturedJid, CapturedJid);
        salt.StateRunsStarted(Minion).Should().Be(1, "the minion drops a jid it has seen");
        salt.Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task LocalAsync_SameJidAfterTheMinionForgotIt_RunsAgain()
    {
        salt.JobDuration = _ => TimeSpan.Zero;
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", CapturedJid), Ct);
        for (var i = 0; i < SimulatedSaltApi.MinionJidQueueHwm; i++)
            await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "test.ping"), Ct);
        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", CapturedJid), Ct);

        salt.StateRunsStarted(Minion).Should().Be(2, "minion_jid_queue_hwm (100) newer jids pushed it out");
    }

    [Fact]
    public async Task Highstate_NewJidWhileAnotherRuns_ReturnsTheRefusalOfTranscript49AtOnce()
    {
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", CapturedJid), Ct);
        time.Advance(TimeSpan.FromSeconds(3));

        const string second = "20261129144259569980";
        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", second), Ct);
        var job = await SimulatorHttp.JobAsync(http, second, Ct);

        var captured = JsonNode.Parse(SaltApiTranscript.Load("49").ResponseBodyRaw)!;
        var simulated = JsonNode.Parse(job)!;
        var result = simulated["info"]![0]!["Result"]![Minion]!;
        result["retcode"]!.GetValue<int>().Should().Be(1);
        result["success"]!.GetValue<bool>().Should().BeFalse();
        var refusal = result["return"]!.AsArray().Single()!.GetValue<string>();
        refusal.Should().Be($"The function \"state.highstate\" is running as PID 9550 and was started at 2026, Nov 29 14:42:56.000000 with jid {CapturedJid}");
        // The same shape as the captured refusal: every key, the list of strings, only the start time differs.
        Keys(simulated).Should().Equal(Keys(captured));
        Refusal().Replace(refusal, "").Should().Be(Refusal().Replace(captured["info"]![0]!["Result"]![Minion]!["return"]![0]!.GetValue<string>(), ""));
        salt.StateRunsStarted(Minion).Should().Be(1);
        salt.Violations.Should().ContainSingle();
    }

    [Fact]
    public async Task TestPing_NewJidWhileAHighstateRuns_IsNoStateRunAndRuns()
    {
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;
        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "state.highstate", CapturedJid), Ct);

        await SimulatorHttp.LowstateAsync(http, SimulatorHttp.Publish(Minion, "test.ping"), Ct);

        salt.Violations.Should().BeEmpty();
        salt.PublishedJids(Minion).Should().HaveCount(2);
    }

    private static List<string> Keys(JsonNode node) => node switch
    {
        JsonObject obj => [.. obj.SelectMany(kv => new[] { kv.Key }.Concat(Keys(kv.Value!).Select(k => kv.Key + "." + k)))],
        JsonArray array => [.. array.SelectMany((item, i) => Keys(item!).Select(k => $"{i}.{k}"))],
        _ => [],
    };

    [GeneratedRegex("started at .* with jid")]
    private static partial Regex Refusal();
}
