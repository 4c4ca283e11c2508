using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Salt;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;
using static SaltApiBridge.Tests.Simulation.SimulatedSaltApiKeyFingerTests;

namespace SaltApiBridge.Tests.Simulation;

/// <summary>Several simulated masters over one set of minions, as Salt 3006 multi-master behaves (issue 19's facts).</summary>
public sealed class SimulatedMultiMasterTests
{
    private const string Minion = "my-asg-i-0123456789abcdef0";
    private const string Jid = "20261129144256000001";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 29, 14, 42, 56, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyFinger_Hot_LookupOnOneMasterKeyPendingOnBothWithOneFingerprint()
    {
        await using var set = Masters(MinionTopology.Hot);
        using var one = await LoginAsync(set.Masters[0]);
        using var two = await LoginAsync(set.Masters[1]);

        var first = WheelReturn(await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct));

        set.Masters[1].KeyOf(Minion).Should().Be("minions_pre", "the minion sends its key to every master");
        var second = WheelReturn(await SimulatorHttp.LowstateAsync(two, Finger(Minion), Ct));
        first["minions_pre"]![Minion]!.GetValue<string>().Should().Be(SimulatedMinions.Fingerprint(Minion))
            .And.Be(second["minions_pre"]![Minion]!.GetValue<string>());
    }

    [Fact]
    public async Task KeyArrival_Hot_BootClockStartsOnAnyMasterAndKeyArrivesOnEachWithItsPendEvent()
    {
        await using var set = Masters(MinionTopology.Hot);
        set.Minions.KeyArrivalDelay = _ => TimeSpan.FromSeconds(30);
        using var one = await LoginAsync(set.Masters[0]);
        var (two, token) = await SimulatorHttp.LoggedInAsync(set.Masters[1], Ct);
        using var _two = two;
        await using var stream = await EventStreamClient.OpenAsync(set.Masters[1], token, Ct);

        WheelReturn(await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct)).Should().BeEmpty("still booting");
        time.Advance(TimeSpan.FromSeconds(30));

        var pend = (await stream.UntilAsync(t => t == "salt/auth", Ct)).Last();
        pend.Data["data"]!["act"]!.GetValue<string>().Should().Be("pend");
        pend.Data["data"]!["id"]!.GetValue<string>().Should().Be(Minion);
        set.Masters.Select(m => m.KeyOf(Minion)).Should().Equal("minions_pre", "minions_pre");
        set.Masters[1].CallsFor(Minion).Should().BeEmpty("the second master never looked the key up");
    }

    [Fact]
    public async Task AcceptDict_Hot_AcceptedOnOneMasterStillPendingOnTheOther()
    {
        await using var set = Masters(MinionTopology.Hot);
        using var one = await LoginAsync(set.Masters[0]);
        using var two = await LoginAsync(set.Masters[1]);
        await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct);

        await SimulatorHttp.LowstateAsync(one, Accept(Minion), Ct);

        WheelReturn(await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct)).Should().ContainKey("minions");
        WheelReturn(await SimulatorHttp.LowstateAsync(two, Finger(Minion), Ct)).Should().ContainKey("minions_pre");
        set.Masters[1].Calls.Select(c => c.What).Should().NotContain("wheel key.accept_dict");
    }

    [Fact]
    public async Task StartEvents_Hot_OnlyOnTheMasterWhereTheKeyIsAcceptedUntilTheOtherAcceptsToo()
    {
        await using var set = Masters(MinionTopology.Hot);
        var (one, token1) = await SimulatorHttp.LoggedInAsync(set.Masters[0], Ct);
        var (two, token2) = await SimulatorHttp.LoggedInAsync(set.Masters[1], Ct);
        using var _one = one;
        using var _two = two;
        await using var stream1 = await EventStreamClient.OpenAsync(set.Masters[0], token1, Ct);
        await using var stream2 = await EventStreamClient.OpenAsync(set.Masters[1], token2, Ct);
        await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct);

        await SimulatorHttp.LowstateAsync(one, Accept(Minion), Ct);
        time.Advance(TimeSpan.FromSeconds(6.3));
        await stream1.UntilAsync(t => t == $"salt/minion/{Minion}/start", Ct);
        await Hook(two);
        var before = await stream2.UntilAsync(t => t == "salt/netapi/hook/marker", Ct);
        await SimulatorHttp.LowstateAsync(two, Accept(Minion), Ct);
        time.Advance(TimeSpan.FromSeconds(6.3));
        var after = await stream2.UntilAsync(t => t == $"salt/minion/{Minion}/start", Ct);

        before.Select(e => e.Tag).Should().NotContain(t => t.StartsWith("salt/minion/", StringComparison.Ordinal) || t == "salt/key");
        after.Select(e => e.Tag).Should().Contain("salt/key").And.Contain("minion_start");
    }

    [Fact]
    public async Task Jobs_JobPublishedThroughTheOtherMaster_UnknownJidReplyOfTranscript20()
    {
        await using var set = Masters(MinionTopology.Hot, accepted: true);
        using var one = await LoginAsync(set.Masters[0]);
        using var two = await LoginAsync(set.Masters[1]);

        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);

        (await SimulatorHttp.JobAsync(two, Jid, Ct)).Should().Be(SaltApiTranscript.Load("20").ResponseBodyRaw);
        (await SimulatorHttp.JobAsync(one, Jid, Ct)).Should().Contain(Jid).And.Contain("state.highstate");
    }

    [Fact]
    public async Task ReturnEvent_Hot_OnlyOnThePublishingMastersBus()
    {
        await using var set = Masters(MinionTopology.Hot, accepted: true);
        var (one, token1) = await SimulatorHttp.LoggedInAsync(set.Masters[0], Ct);
        var (two, token2) = await SimulatorHttp.LoggedInAsync(set.Masters[1], Ct);
        using var _one = one;
        using var _two = two;
        await using var stream1 = await EventStreamClient.OpenAsync(set.Masters[0], token1, Ct);
        await using var stream2 = await EventStreamClient.OpenAsync(set.Masters[1], token2, Ct);

        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);
        time.Advance(TimeSpan.FromSeconds(30));
        await stream1.UntilAsync(t => t == $"salt/job/{Jid}/ret/{Minion}", Ct);
        await Hook(two);
        var seen = await stream2.UntilAsync(t => t == "salt/netapi/hook/marker", Ct);

        seen.Select(e => e.Tag).Should().NotContain(t => t.Contains(Jid, StringComparison.Ordinal));
        set.Masters[0].Returns.Should().ContainSingle(r => r.Jid == Jid);
        set.Masters[1].Returns.Should().BeEmpty();
    }

    [Fact]
    public async Task LocalAsync_SameJidThroughTheSameMaster_RunsOnce()
    {
        await using var set = Masters(MinionTopology.Hot, accepted: true);
        using var one = await LoginAsync(set.Masters[0]);

        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);

        set.Minions.StateRunsStarted(Minion).Should().Be(1);
        set.Masters[0].Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task LocalAsync_SameJidThroughTheOtherMasterAfterItEnded_RunsAgain()
    {
        await using var set = Masters(MinionTopology.Hot, accepted: true);
        using var one = await LoginAsync(set.Masters[0]);
        using var two = await LoginAsync(set.Masters[1]);

        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);
        time.Advance(TimeSpan.FromSeconds(31));
        await SimulatorHttp.LowstateAsync(two, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);

        set.Minions.StateRunsStarted(Minion).Should().Be(2, "the minion keeps one jid queue per master connection");
        set.Minions.StateRunsStarted(Minion, "state.highstate").Should().Be(2);
        set.Masters.Select(m => m.StateRunsStarted(Minion)).Should().Equal(2, 2);
        set.Masters.Select(m => m.PublishedJids(Minion).Count).Should().Equal(1, 1);
    }

    [Theory]
    [InlineData(Jid)]
    [InlineData("20261129144259569980")]
    public async Task LocalAsync_ThroughTheOtherMasterWhileTheFirstRuns_RefusedAsTranscript49(string secondJid)
    {
        await using var set = Masters(MinionTopology.Hot, accepted: true);
        using var one = await LoginAsync(set.Masters[0]);
        using var two = await LoginAsync(set.Masters[1]);

        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);
        time.Advance(TimeSpan.FromSeconds(3));
        await SimulatorHttp.LowstateAsync(two, SimulatorHttp.Publish(Minion, "state.highstate", secondJid), Ct);
        var refused = JsonNode.Parse(await SimulatorHttp.JobAsync(two, secondJid, Ct))!;

        var result = refused["info"]![0]!["Result"]![Minion]!;
        result["retcode"]!.GetValue<int>().Should().Be(1);
        result["return"]!.AsArray().Single()!.GetValue<string>().Should().StartWith("The function \"state.highstate\" is running as PID")
            .And.EndWith($"with jid {Jid}");
        set.Minions.StateRunsStarted(Minion).Should().Be(1);
        set.Masters[1].Violations.Should().ContainSingle().Which.Should().Contain("refused");
        set.Masters[0].Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task HoldForeignKey_OneMaster_ItsFingerprintDiffers()
    {
        await using var set = Masters(MinionTopology.Hot);
        set.Minions.HoldForeignKey(set.Masters[1], Minion);
        using var one = await LoginAsync(set.Masters[0]);
        using var two = await LoginAsync(set.Masters[1]);

        var first = WheelReturn(await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct))["minions_pre"]![Minion]!.GetValue<string>();
        var second = WheelReturn(await SimulatorHttp.LowstateAsync(two, Finger(Minion), Ct))["minions_pre"]![Minion]!.GetValue<string>();

        first.Should().Be(SimulatedMinions.Fingerprint(Minion));
        second.Should().NotBe(first).And.MatchRegex("^([0-9a-f]{2}:){31}[0-9a-f]{2}$");
        set.Minions.FingerprintOn(set.Masters[1], Minion).Should().Be(second);
    }

    [Fact]
    public async Task KeyFingerMaster_EveryMaster_SameValueAsTranscript56()
    {
        await using var set = Masters(MinionTopology.Hot);
        var replies = new List<string>();
        foreach (var master in set.Masters)
        {
            using var http = await LoginAsync(master);
            replies.Add(await SimulatorHttp.LowstateAsync(http, new JsonObject { ["client"] = "wheel", ["fun"] = "key.finger_master" }, Ct));
        }

        replies.Should().AllBe(SaltApiTranscript.Load("56").ResponseBodyRaw);
    }

    [Fact]
    public async Task Failover_BothUp_KeyArrivesOnlyOnTheFirstMaster()
    {
        await using var set = Masters(MinionTopology.Failover);
        using var two = await LoginAsync(set.Masters[1]);

        WheelReturn(await SimulatorHttp.LowstateAsync(two, Finger(Minion), Ct)).Should().BeEmpty("the minion talks to the first master");

        set.Masters.Select(m => m.KeyOf(Minion)).Should().Equal("minions_pre", null);
        set.Minions.ConnectedMaster(Minion).Should().BeSameAs(set.Masters[0]);
    }

    [Fact]
    public async Task Failover_FirstMasterDown_KeyArrivesOnTheSecond()
    {
        await using var set = Masters(MinionTopology.Failover);
        set.Masters[0].Down();
        using var two = await LoginAsync(set.Masters[1]);

        WheelReturn(await SimulatorHttp.LowstateAsync(two, Finger(Minion), Ct)).Should().ContainKey("minions_pre");
        set.Masters[0].Up();

        set.Masters.Select(m => m.KeyOf(Minion)).Should().Equal(null, "minions_pre");
    }

    [Fact]
    public async Task FailOver_AcceptedOnTheNewMaster_PingAnswersThereNotOnTheOldOne()
    {
        await using var set = Masters(MinionTopology.Failover);
        using var one = await LoginAsync(set.Masters[0]);
        using var two = await LoginAsync(set.Masters[1]);
        await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct);
        await SimulatorHttp.LowstateAsync(one, Accept(Minion), Ct);

        set.Minions.FailOver(Minion, set.Masters[1]);
        WheelReturn(await SimulatorHttp.LowstateAsync(two, Finger(Minion), Ct)).Should().ContainKey("minions_pre");
        await SimulatorHttp.LowstateAsync(two, Accept(Minion), Ct);
        time.Advance(TimeSpan.FromSeconds(6.3));

        (await SimulatorHttp.LowstateAsync(two, Ping(Minion), Ct)).Should().Be(SaltApiTranscript.Load("10").ResponseBodyRaw);
        (await SimulatorHttp.LowstateAsync(one, Ping(Minion), Ct)).Should().Be(SaltApiTranscript.Load("33").ResponseBodyRaw);
        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);
        time.Advance(TimeSpan.FromMinutes(5));
        set.Minions.StateRunsStarted(Minion).Should().Be(0, "a job published where the minion is not connected never reaches it");
        (await SimulatorHttp.JobAsync(one, Jid, Ct)).Should().Contain("\"Result\": {}");
    }

    [Fact]
    public async Task SharedPki_AcceptOnOneMaster_AcceptedFromTheOtherAndTheMinionConnectsToBoth()
    {
        await using var set = Masters(MinionTopology.SharedPki);
        var (one, token1) = await SimulatorHttp.LoggedInAsync(set.Masters[0], Ct);
        var (two, token2) = await SimulatorHttp.LoggedInAsync(set.Masters[1], Ct);
        using var _one = one;
        using var _two = two;
        await using var stream2 = await EventStreamClient.OpenAsync(set.Masters[1], token2, Ct);
        await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct);
        var pend = await stream2.UntilAsync(t => t == "salt/auth", Ct);

        await SimulatorHttp.LowstateAsync(one, Accept(Minion), Ct);
        time.Advance(TimeSpan.FromSeconds(6.3));
        var events = await stream2.UntilAsync(t => t == $"salt/minion/{Minion}/start", Ct);

        WheelReturn(await SimulatorHttp.LowstateAsync(two, Finger(Minion), Ct))["minions"]![Minion]!.GetValue<string>()
            .Should().Be(SimulatedMinions.Fingerprint(Minion));
        pend.Last().Data["data"]!["act"]!.GetValue<string>().Should().Be("pend", "the minion retries authentication with every master");
        events.Select(e => e.Tag).Should().NotContain("salt/key", "the accept's event is on the master that did it");
        (await SimulatorHttp.LowstateAsync(two, Ping(Minion), Ct)).Should().Be(SaltApiTranscript.Load("10").ResponseBodyRaw);
    }

    [Fact]
    public async Task SharedPki_DeleteOnOneMaster_GoneFromTheOther()
    {
        await using var set = Masters(MinionTopology.SharedPki, accepted: true);
        using var two = await LoginAsync(set.Masters[1]);

        await SimulatorHttp.LowstateAsync(two, new JsonObject
        {
            ["client"] = "wheel", ["fun"] = "key.delete_dict", ["match"] = new JsonObject { ["minions"] = new JsonArray(Minion) },
        }, Ct);

        set.Masters[0].KeyOf(Minion).Should().BeNull();
    }

    [Fact]
    public async Task Down_OneMaster_TheMinionStillRunsJobsOfTheOtherAndTheDownOneKeepsItsKeys()
    {
        await using var set = Masters(MinionTopology.Hot);
        using var one = await LoginAsync(set.Masters[0]);
        await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct);
        set.Masters[1].Down();

        await SimulatorHttp.LowstateAsync(one, Accept(Minion), Ct);
        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);
        time.Advance(TimeSpan.FromSeconds(30));
        var done = await SimulatorHttp.JobAsync(one, Jid, Ct);
        set.Masters[1].Up();

        JsonNode.Parse(done)!["info"]![0]!["Result"]![Minion]!["success"]!.GetValue<bool>().Should().BeTrue();
        set.Masters[1].IsUp.Should().BeTrue();
        set.Masters[1].KeyOf(Minion).Should().Be("minions_pre", "a master whose salt-api was down keeps its keys");
        using var two = await LoginAsync(set.Masters[1]);
        WheelReturn(await SimulatorHttp.LowstateAsync(two, Finger(Minion), Ct)).Should().ContainKey("minions_pre");
    }

    [Fact]
    public async Task Terminate_KeysDeletedOnEveryMaster_NoKeyArrivesAgainAndNothingAnswers()
    {
        await using var set = Masters(MinionTopology.Hot, accepted: true);
        using var one = await LoginAsync(set.Masters[0]);
        using var two = await LoginAsync(set.Masters[1]);

        set.Minions.Terminate(Minion);
        var ping = await SimulatorHttp.LowstateAsync(one, Ping(Minion), Ct);
        await SimulatorHttp.LowstateAsync(one, SimulatorHttp.Publish(Minion, "state.sls", Jid, "clean"), Ct);
        time.Advance(TimeSpan.FromMinutes(5));
        foreach (var http in new[] { one, two })
        {
            await SimulatorHttp.LowstateAsync(http, new JsonObject
            {
                ["client"] = "wheel", ["fun"] = "key.delete_dict", ["match"] = new JsonObject { ["minions"] = new JsonArray(Minion) },
            }, Ct);
        }

        ping.Should().Be(SaltApiTranscript.Load("33").ResponseBodyRaw);
        set.Minions.StateRunsStarted(Minion).Should().Be(0);
        WheelReturn(await SimulatorHttp.LowstateAsync(one, Finger(Minion), Ct)).Should().BeEmpty("a gone instance sends no key");
        set.Masters.Select(m => m.KeyOf(Minion)).Should().Equal(null, null);
    }

    [Fact]
    public async Task Constructor_WithoutMinions_EachMasterHasItsOwn()
    {
        await using var one = new SimulatedSaltApi(timeProvider: time) { JobDuration = _ => TimeSpan.FromSeconds(30) };
        await using var two = new SimulatedSaltApi(timeProvider: time) { JobDuration = _ => TimeSpan.FromSeconds(30) };
        one.SetKey(Minion, "minions");
        two.SetKey(Minion, "minions");
        using var http1 = await LoginAsync(one);
        using var http2 = await LoginAsync(two);

        await SimulatorHttp.LowstateAsync(http1, Finger("my-asg-i-0fffffffffffffff0"), Ct);
        await SimulatorHttp.LowstateAsync(http1, SimulatorHttp.Publish(Minion, "state.highstate", Jid), Ct);
        await SimulatorHttp.LowstateAsync(http2, SimulatorHttp.Publish(Minion, "state.highstate", "20261129144259569980"), Ct);

        one.Minions.Should().NotBeSameAs(two.Minions);
        two.KeyOf("my-asg-i-0fffffffffffffff0").Should().BeNull();
        two.Violations.Should().BeEmpty("two single masters have two different minions");
        one.StateRunsStarted(Minion).Should().Be(1);
        two.StateRunsStarted(Minion).Should().Be(1);
    }

    [Fact]
    public async Task DaemonSettings_ThreeMasters_BindAndValidateAsTheDaemonsMultiMasterOptions()
    {
        await using var set = new SimulatedMasters(3, MinionTopology.Failover, time);

        var settings = set.DaemonSettings("saltapibridge", "pw");
        var options = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(SaltApiOptions.SectionName).Get<SaltApiOptions>()!;

        new SaltApiOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
        options.Name.Should().Be("master1");
        options.BaseUrl.Should().Be(set.Masters[0].BaseUrl);
        options.EffectiveTopology.Should().Be(SaltTopology.Failover);
        options.Masters.Keys.Should().BeEquivalentTo("master2", "master3");
        options.Masters["master3"].BaseUrl.Should().Be(set.Named("master3").BaseUrl);
        options.Masters["master2"].Password.Should().Be("pw");
    }

    private SimulatedMasters Masters(MinionTopology topology, bool accepted = false)
    {
        var set = new SimulatedMasters(2, topology, time);
        foreach (var master in set.Masters)
        {
            master.JobDuration = _ => TimeSpan.FromSeconds(30);
            master.AcceptanceWaitTime = TimeSpan.FromSeconds(10);
            master.MinionStartDelay = TimeSpan.FromSeconds(6.3);
            if (accepted && (topology != MinionTopology.SharedPki || master == set.Masters[0]))
                master.SetKey(Minion, "minions");
        }

        return set;
    }

    private static async Task<HttpClient> LoginAsync(SimulatedSaltApi master) => (await SimulatorHttp.LoggedInAsync(master, Ct)).Http;

    private static JsonObject Accept(string minion) => new()
    {
        ["client"] = "wheel", ["fun"] = "key.accept_dict", ["match"] = new JsonObject { ["minions_pre"] = new JsonArray(minion) },
    };

    private static JsonObject Ping(string minion) => new()
    {
        ["client"] = "local", ["tgt"] = new JsonArray(minion), ["tgt_type"] = "list", ["fun"] = "test.ping",
    };

    /// <summary>A hook through that master: its event marks where the stream has got to.</summary>
    private static async Task Hook(HttpClient http)
    {
        using var hook = await http.PostAsync(new Uri("/hook/marker", UriKind.Relative),
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Ct);
        hook.EnsureSuccessStatusCode();
    }
}
