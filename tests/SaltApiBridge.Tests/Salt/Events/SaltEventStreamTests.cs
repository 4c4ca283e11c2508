using System.Text.Json.Nodes;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Tests.Salt.Events;

public sealed class SaltEventStreamTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private static readonly Dictionary<string, string?> ProbeDeadline = new() { ["SaltApi:EventStream:ProbeTimeout"] = "00:00:10" };

    [Fact]
    public async Task ExecuteAsync_Connects_ProvenByItsOwnProbeAndSessionToken()
    {
        await using var rig = await StreamRig.StartAsync();

        rig.Sse.Tokens.Should().Equal(SaltApiHarness.Token);
        var probe = rig.Salt.Requests("/hook/" + SaltEventWaiters.ProbeHookTag).Should().ContainSingle().Subject;
        SaltApiHarness.Header(probe, "X-Auth-Token").Should().Be(SaltApiHarness.Token);
        JsonNode.Parse(probe.Body!)!["nonce"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{32}$");
        rig.Metrics.Connected.Should().Be(1);
        rig.Logs.Should().ContainSingle(l => l.Contains("Event stream connected", StringComparison.Ordinal));
        rig.Logs.Should().ContainSingle(l => l.Contains("Event stream proven", StringComparison.Ordinal));
        rig.Logs.Should().NotContain(l => l.Contains(SaltApiHarness.Token, StringComparison.Ordinal), "the token is never logged");
    }

    [Fact]
    public async Task ExecuteAsync_ProbeNeverComesBack_NotProvenSoWaitsKeepPolling()
    {
        await using var rig = await StreamRig.StartAsync(ProbeDeadline, waitUntilLive: false, beforeStart: sse => sse.EchoProbes = () => false);

        await rig.UntilAsync(() => rig.Sse.Connections >= 2, "a reconnect after the first probe was lost", Step);

        rig.Waiters.IsLive.Should().BeFalse();
        rig.Logs.Should().Contain(l => l.Contains("Event stream lost on master local (stalled)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_Answers401_LogsInAgainThenProven()
    {
        // A token salt-api no longer knows (a restarted master): the stream's first GET /events gets 401.
        await using var rig = await StreamRig.StartAsync(beforeStart: sse => sse.AnswerUnauthorized(1));

        rig.Sse.Connections.Should().Be(2, "the 401, then the same call with a fresh login");
        rig.Salt.Logins.Should().HaveCount(2);
        rig.Sse.Tokens.Should().AllBe(SaltApiHarness.Token);
        rig.Logs.Should().Contain(l => l.Contains("rejected the token during GET /events", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_StallsSilently_ProbeDeadlineEndsItAndItReconnects()
    {
        await using var rig = await StreamRig.StartAsync(ProbeDeadline);
        // The next probe is swallowed: a connection that delivers nothing any more, which salt-api would not notice.
        var probes = 0;
        rig.Sse.EchoProbes = () => Interlocked.Increment(ref probes) != 1;
        var proofs = rig.Waiters.Generation;

        await rig.UntilAsync(() => rig.Waiters.Generation > proofs, "proven again on a new connection", Step);

        rig.Sse.Connections.Should().Be(2);
        rig.ProbesFired.Should().Be(3, "the first proof, the quiet-bus probe that was lost, the new connection's proof");
        rig.Logs.Should().ContainSingle(l => l.Contains("Event stream lost on master local (stalled)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_EventsFlowOnTheBus_NoProbeNeeded()
    {
        await using var rig = await StreamRig.StartAsync();

        // Five probe intervals of a busy bus: each interval saw events, so the stream proved itself.
        for (var i = 0; i < 5; i++)
        {
            // Awaited by someone, so the test knows when the stream has read it.
            using var seen = rig.Waiters.MinionStarted($"busy-minion-{i}");
            rig.Sse.Emit($"salt/minion/busy-minion-{i}/start", new JsonObject { ["id"] = $"busy-minion-{i}" });
            await rig.UntilAsync(() => seen.IsCompleted, "the event was read");
            rig.Salt.Time.Advance(TimeSpan.FromSeconds(30));
        }

        await Task.Delay(100, TestContext.Current.CancellationToken);
        rig.ProbesFired.Should().Be(1);
        rig.Sse.Connections.Should().Be(1);
    }

    [Fact]
    public async Task ExecuteAsync_TokenDueForRenewal_ReconnectsAtOnceWithTheRenewedToken()
    {
        // Transcript 01's token lives 12 h and is renewed 5 min before: the stream must not outlive it.
        await using var rig = await StreamRig.StartAsync(new Dictionary<string, string?> { ["SaltApi:EventStream:ProbeInterval"] = "01:00:00" });

        await rig.UntilAsync(() => rig.Sse.Connections == 2 && rig.Waiters.IsLive, "connected again with a renewed token", TimeSpan.FromMinutes(10));

        rig.Salt.Logins.Should().HaveCount(2);
        rig.Recorded.Sum("salt_event_stream_reconnects{reason=token_renewal}").Should().Be(1);
        rig.Logs.Should().Contain(l => l.Contains("Event stream reconnecting (token_renewal)", StringComparison.Ordinal));
        rig.Logs.Should().NotContain(l => l.Contains("Event stream lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_Disabled_NeverConnects()
    {
        await using var rig = await StreamRig.StartAsync(new Dictionary<string, string?> { ["SaltApi:EventStream:Enabled"] = "false" }, waitUntilLive: false);

        await rig.UntilAsync(() => rig.Logs.Any(l => l.Contains("Event stream off", StringComparison.Ordinal)), "the stream says it is off");

        rig.Sse.Connections.Should().Be(0);
        rig.Waiters.IsLive.Should().BeFalse();
    }
}
