using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Salt;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Simulation;

/// <summary>The simulated wheel <c>key.finger</c> and <c>key.finger_master</c> against the real master's (transcripts 55–58).</summary>
public sealed class SimulatedSaltApiKeyFingerTests : IAsyncDisposable
{
    private const string Minion = "my-asg-i-0123456789abcdef0";
    private const string UnknownMinion = "my-asg-i-0fffffffffffffff0";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 29, 15, 14, 25, TimeSpan.Zero));
    private readonly SimulatedSaltApi salt;

    public SimulatedSaltApiKeyFingerTests()
    {
        salt = new SimulatedSaltApi(timeProvider: time);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => salt.DisposeAsync();

    [Theory]
    [InlineData("minions_pre", "55")]
    [InlineData("minions", "57")]
    public async Task KeyFinger_KeyOfTheMinion_ReplyOfTheTranscriptWithItsFingerprint(string keyDirectory, string transcript)
    {
        salt.SetKey(Minion, keyDirectory);
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        var reply = await SimulatorHttp.LowstateAsync(http, Finger(Minion), Ct);

        var fingerprint = SimulatedMinions.Fingerprint(Minion);
        fingerprint.Should().MatchRegex("^([0-9a-f]{2}:){31}[0-9a-f]{2}$", "sha256, colon hex, as the master's hash_type");
        reply.Should().Contain(fingerprint);
        // Byte for byte the captured reply once the captured key's fingerprint is put back.
        reply.Replace(fingerprint, CapturedFingerprint(transcript), StringComparison.Ordinal)
            .Should().Be(SaltApiTranscript.Load(transcript).ResponseBodyRaw);
        salt.CallsFor(Minion).Should().Equal("wheel key.finger");
    }

    [Fact]
    public async Task KeyFinger_IdWithNoKey_ReplyOfTranscript58()
    {
        salt.KeysArriveOnLookup = false;
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        var reply = await SimulatorHttp.LowstateAsync(http, Finger(UnknownMinion), Ct);

        reply.Should().Be(SaltApiTranscript.Load("58").ResponseBodyRaw);
    }

    [Fact]
    public async Task KeyFinger_BootedMinionLookedUp_KeyArrivesAsPendingAsWithNameMatch()
    {
        salt.KeyArrivalDelay = _ => TimeSpan.FromSeconds(30);
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        var booting = await SimulatorHttp.LowstateAsync(http, Finger(Minion), Ct);
        time.Advance(TimeSpan.FromSeconds(30));
        var booted = await SimulatorHttp.LowstateAsync(http, Finger(Minion), Ct);

        WheelReturn(booting).Should().BeEmpty();
        WheelReturn(booted)["minions_pre"]![Minion]!.GetValue<string>().Should().Be(SimulatedMinions.Fingerprint(Minion));
    }

    [Theory]
    [InlineData("my-asg-*")]
    [InlineData("my-asg-i-0123456789abcdef0,other")]
    public async Task KeyFinger_Glob_IsAViolationNotAnAnswer(string match)
    {
        salt.SetKey(Minion, "minions_pre");
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        using var response = await http.PostAsync(new Uri("/", UriKind.Relative),
            new StringContent(new JsonArray(Finger(match)).ToJsonString(), System.Text.Encoding.UTF8, "application/json"), Ct);

        ((int)response.StatusCode).Should().Be(400);
        salt.Violations.Should().ContainSingle().Which.Should().Contain("key.finger");
    }

    [Fact]
    public async Task KeyFingerMaster_Always_ReplyOfTranscript56()
    {
        var (http, _) = await SimulatorHttp.LoggedInAsync(salt, Ct);
        using var _http = http;

        var reply = await SimulatorHttp.LowstateAsync(http, new JsonObject { ["client"] = "wheel", ["fun"] = "key.finger_master" }, Ct);

        reply.Should().Be(SaltApiTranscript.Load("56").ResponseBodyRaw);
        salt.Calls.Select(c => c.What).Should().Contain("wheel key.finger_master");
    }

    [Fact]
    public async Task GetKeyFingerprintAsync_TheDaemonsClient_ReadsEachStateAndTheFingerprint()
    {
        await using var harness = SaltApiHarness.StartWithoutServer(new Dictionary<string, string?> { ["SaltApi:BaseUrl"] = salt.BaseUrl });
        salt.KeysArriveOnLookup = false;

        var none = await harness.Master.GetKeyFingerprintAsync(Minion, Ct);
        salt.SetKey(Minion, "minions_pre");
        var pending = await harness.Master.GetKeyFingerprintAsync(Minion, Ct);
        salt.SetKey(Minion, "minions");
        var accepted = await harness.Master.GetKeyFingerprintAsync(Minion, Ct);

        none.Should().Be(KeyFingerprint.None);
        pending.Should().Be(new KeyFingerprint(MinionKeyState.Pending, SimulatedMinions.Fingerprint(Minion)));
        accepted.Should().Be(new KeyFingerprint(MinionKeyState.Accepted, SimulatedMinions.Fingerprint(Minion)));
    }

    internal static JsonObject Finger(string match) => new() { ["client"] = "wheel", ["fun"] = "key.finger", ["match"] = match };

    internal static JsonObject WheelReturn(string reply) => JsonNode.Parse(reply)!["return"]![0]!["data"]!["return"]!.AsObject();

    private static string CapturedFingerprint(string transcript) =>
        WheelReturn(SaltApiTranscript.Load(transcript).ResponseBodyRaw).Single().Value![Minion]!.GetValue<string>();
}
