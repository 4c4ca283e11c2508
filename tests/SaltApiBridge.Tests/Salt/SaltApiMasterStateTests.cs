using System.Text.Json;
using System.Text.Json.Nodes;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Salt;

public sealed class SaltApiMasterStateTests
{
    private const string Id = SaltApiHarness.MinionId;
    private const string HighstateJid = "20261125113337614027";
    private const string FailJid = "20261125113351701657";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunHighstate_RunningThenDone_SucceedsAfterPollingJobs()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        salt.OnJob(HighstateJid).InScenario("job").WillSetStateTo("done").RespondWith(SaltApiHarness.Reply("14"));
        salt.OnJob(HighstateJid).InScenario("job").WhenStateIs("done").RespondWith(SaltApiHarness.Reply("16"));

        var result = await salt.AdvanceUntilCompleteAsync(RunHighstateAsync(salt.Master, Id), Step);

        result.Status.Should().Be(StateRunStatus.Succeeded);
        result.Succeeded.Should().BeTrue();
        result.Jid.Should().Be(HighstateJid);
        result.FailedStates.Should().BeEmpty();
        result.Message.Should().Be("2 states succeeded");

        var lowstate = salt.Lowstates("state.highstate").Should().ContainSingle().Subject.Lowstate;
        lowstate.Select(p => p.Key).Should().BeEquivalentTo("client", "fun", "tgt", "tgt_type", "jid");
        lowstate["jid"]!.GetValue<string>().Should().Be(HighstateJid, "the caller chooses the jid");
        lowstate["client"]!.GetValue<string>().Should().Be("local_async");
        lowstate["tgt"]!.ToJsonString().Should().Be("""["my-asg-i-0123456789abcdef0"]""");
        lowstate["tgt_type"]!.GetValue<string>().Should().Be("list");

        var polls = salt.Requests("/jobs/" + HighstateJid, "GET");
        polls.Should().HaveCount(2);
        polls.Should().AllSatisfy(p =>
        {
            SaltApiHarness.Header(p, "X-Auth-Token").Should().Be(SaltApiHarness.Token);
            SaltApiHarness.Header(p, "Accept").Should().Be("application/json");
        });
    }

    [Fact]
    public async Task ApplyStates_FailingState_FailedWithStateAndComment()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local_async", "state.sls").RespondWith(SaltApiHarness.Reply("21"));
        salt.OnJob(FailJid).RespondWith(SaltApiHarness.Reply("22"));

        var result = await salt.AdvanceUntilCompleteAsync(ApplyStatesAsync(salt.Master, ["fail"], FailJid), Step);

        result.Status.Should().Be(StateRunStatus.Failed);
        result.Jid.Should().Be(FailJid);
        result.FailedStates.Should().Equal(
            new FailedState("test_|-always-fails_|-this state fails on purpose_|-fail_without_changes", "Failure!"));
        result.Message.Should().Be("1 of 1 states failed");
        var lowstate = salt.Lowstates("state.sls").Single().Lowstate;
        lowstate["arg"]!.ToJsonString().Should().Be("""["fail"]""");
        lowstate["tgt_type"]!.GetValue<string>().Should().Be("list");
        lowstate.ContainsKey("kwarg").Should().BeFalse();
    }

    [Fact]
    public async Task ApplyStates_SeveralStatesAndPillar_CommaJoinedArgAndPillarKwarg()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local_async", "state.sls").RespondWith(SaltApiHarness.Reply("25"));
        var pillar = new JsonObject { ["instance_id"] = "i-0123456789abcdef0", ["reason"] = "scale-in" };

        (await salt.Master.StartStatesAsync(Id, ["clean", "app.deregister"], pillar, HighstateJid, Ct)).Should().BeNull("transcript 25: no key matched");

        var lowstate = salt.Lowstates("state.sls").Single().Lowstate;
        lowstate["tgt"]!.ToJsonString().Should().Be("""["my-asg-i-0123456789abcdef0"]""");
        lowstate["arg"]!.ToJsonString().Should().Be("""["clean,app.deregister"]""");
        lowstate["kwarg"]!.ToJsonString().Should().Be("""{"pillar":{"instance_id":"i-0123456789abcdef0","reason":"scale-in"}}""");
    }

    [Fact]
    public async Task ApplyStates_NoStatesGiven_RunsConfiguredDefault()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local_async", "state.sls").RespondWith(SaltApiHarness.Reply("25"));

        await salt.Master.StartStatesAsync(Id, [], null, HighstateJid, Ct);

        salt.Lowstates("state.sls").Single().Lowstate["arg"]!.ToJsonString().Should().Be("""["clean"]""");
    }

    [Fact]
    public async Task RunHighstate_MinionNeverReturns_MinionDidNotReturnAtDeadline()
    {
        await using var salt = SaltApiHarness.Start(new Dictionary<string, string?> { ["SaltApi:JobTimeout"] = "00:02:00" }).WithLogin();
        salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        salt.OnJob(HighstateJid).RespondWith(SaltApiHarness.Reply("14"));
        var started = salt.Time.GetUtcNow();

        var result = await salt.AdvanceUntilCompleteAsync(RunHighstateAsync(salt.Master, Id), Step);

        result.Status.Should().Be(StateRunStatus.MinionDidNotReturn);
        result.Jid.Should().Be(HighstateJid);
        result.Message.Should().Contain(Id).And.Contain(HighstateJid);
        (salt.Time.GetUtcNow() - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(2));
        // Waits of 2, 4, 8, 15, 15, … s: about a dozen polls in 2 minutes, not one per second.
        salt.Requests("/jobs/" + HighstateJid, "GET").Count.Should().BeInRange(8, 12);
    }

    [Fact]
    public async Task RunHighstate_UnknownMinion_NoMatchingMinionWithoutPolling()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("25"));

        var result = await RunHighstateAsync(salt.Master, SaltApiHarness.UnknownMinionId);

        result.Status.Should().Be(StateRunStatus.NoMatchingMinion);
        salt.Lowstates("state.highstate").Single().Lowstate["tgt"]!.ToJsonString()
            .Should().Be("""["my-asg-i-00000000000000bad"]""");
        salt.Server!.LogEntries.Should().NotContain(e => e.RequestMessage!.Path.StartsWith("/jobs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunHighstate_JobUnknownAtFirst_KeepsPollingUntilDone()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        // Transcript 20 (GET /jobs of an unknown jid: 200 with info[0].Error) served for the real jid first.
        salt.OnJob(HighstateJid).InScenario("cache").WillSetStateTo("known").RespondWith(SaltApiHarness.Reply("20"));
        salt.OnJob(HighstateJid).InScenario("cache").WhenStateIs("known").RespondWith(SaltApiHarness.Reply("16"));

        var result = await salt.AdvanceUntilCompleteAsync(RunHighstateAsync(salt.Master, Id), Step);

        result.Status.Should().Be(StateRunStatus.Succeeded);
    }

    [Fact]
    public void Parse_FailedStateWithJobKeysMixedIn_ReadsOnlyStateFields()
    {
        var result = StateReturnParser.Parse(FailJid, MinionResult("22"));

        result.Status.Should().Be(StateRunStatus.Failed);
        result.FailedStates.Should().ContainSingle().Which.Comment.Should().Be("Failure!");
    }

    [Fact]
    public void Parse_ReturnIsListOfStrings_FailedWithThoseMessages()
    {
        // Derived from transcript 16's Result entry: a highstate that did not render returns a list of strings
        // (e.g. "No Top file or master_tops data matches found") with retcode 2.
        var entry = MinionResult("16").Deserialize<JsonObject>()!;
        entry["return"] = new JsonArray("No Top file or master_tops data matches found. Please see master log for details.");
        entry["retcode"] = 2;
        entry["success"] = false;

        var result = StateReturnParser.Parse(HighstateJid, JsonSerializer.SerializeToElement(entry));

        result.Status.Should().Be(StateRunStatus.Failed);
        result.FailedStates.Should().BeEmpty();
        result.Message.Should().Be("No Top file or master_tops data matches found. Please see master log for details.");
    }

    [Fact]
    public void Parse_AllStatesTrueButRetcodeNonZero_Failed()
    {
        var entry = MinionResult("16").Deserialize<JsonObject>()!;
        entry["retcode"] = 1;

        var result = StateReturnParser.Parse(HighstateJid, JsonSerializer.SerializeToElement(entry));

        result.Status.Should().Be(StateRunStatus.Failed);
        result.Message.Should().Contain("retcode is 1");
    }

    [Fact]
    public async Task StartHighstate_ChosenJid_PublishesExactlyTheCapturedLowstate()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("47"));
        const string chosen = "20261129144256000001";

        (await salt.Master.StartHighstateAsync(Id, chosen, Ct)).Should().Be(chosen);

        var sent = salt.Lowstates("state.highstate").Single().Lowstate;
        var captured = SaltApiTranscript.Load("47").RequestBody!.RootElement[0];
        sent["jid"]!.GetValue<string>().Should().Be(captured.GetProperty("jid").GetString());
        sent.Select(p => p.Key).Should().BeEquivalentTo(captured.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task StartHighstate_MasterIgnoresTheChosenJid_ReturnsTheJidItPublishedUnder()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));

        var published = await salt.Master.StartHighstateAsync(Id, "20261129144256000001_ab12", Ct);

        published.Should().Be(HighstateJid, "the job runs under the master's jid: that is the one to record and wait for");
    }

    [Theory]
    [InlineData("2026112914425600000")]
    [InlineData("20261129144256000001-x")]
    [InlineData("20261129144256000001_a/b")]
    [InlineData("*")]
    public async Task StartHighstate_InvalidJid_RefusedBeforeAnyCall(string jid)
    {
        await using var salt = SaltApiHarness.Start().WithLogin();

        var publish = () => salt.Master.StartHighstateAsync(Id, jid, Ct);

        await publish.Should().ThrowAsync<ArgumentException>();
        salt.Lowstates("state.highstate").Should().BeEmpty();
    }

    [Fact]
    public void Parse_ConcurrentRunRefusal_AnotherRunInProgressNamingTheRunningJid()
    {
        var result = StateReturnParser.Parse("20261129144259569980", MinionResult("49"));

        result.Status.Should().Be(StateRunStatus.AnotherRunInProgress);
        result.RunningJid.Should().Be("20261129144256000001");
        result.Succeeded.Should().BeFalse();
        result.Message.Should().StartWith("The function \"state.highstate\" is running as PID 9550");
    }

    [Fact]
    public void Parse_ListOfOtherStrings_StillAFailure()
    {
        var entry = new { @return = new[] { "No Top file or master_tops data matches found." }, retcode = 2, success = false };

        var result = StateReturnParser.Parse(HighstateJid, JsonSerializer.SerializeToElement(entry));

        result.Status.Should().Be(StateRunStatus.Failed);
        result.RunningJid.Should().BeNull();
    }

    [Fact]
    public void New_TwoJidsAtTheSameMicrosecond_DifferAndAreValid()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T14:42:56Z", System.Globalization.CultureInfo.InvariantCulture));

        var first = SaltJid.New(time);
        var second = SaltJid.New(time);

        first.Should().NotBe(second);
        SaltJid.IsValid(first).Should().BeTrue();
        first.Should().MatchRegex("^[0-9]{20}_[0-9a-f]{16}$");
        first[..20].Should().Be(second[..20]);
    }

    private static JsonElement MinionResult(string transcript)
    {
        using var doc = JsonDocument.Parse(SaltApiTranscript.Load(transcript).ResponseBodyRaw);
        return doc.RootElement.GetProperty("info")[0].GetProperty("Result").GetProperty(Id).Clone();
    }

    /// <summary>Publish under the transcript's jid, then wait: what the handler does for a fresh highstate.</summary>
    private static async Task<StateRunResult> RunHighstateAsync(SaltApiMaster master, string minionId) =>
        await master.StartHighstateAsync(minionId, HighstateJid, Ct) is not null
            ? await master.WaitForJobAsync(minionId, HighstateJid, resumed: false, null, Ct)
            : new StateRunResult(StateRunStatus.NoMatchingMinion, HighstateJid, [], "nothing published");

    private static async Task<StateRunResult> ApplyStatesAsync(SaltApiMaster master, IReadOnlyList<string> states, string jid) =>
        await master.StartStatesAsync(Id, states, null, jid, Ct) is not null
            ? await master.WaitForJobAsync(Id, jid, resumed: false, null, Ct)
            : new StateRunResult(StateRunStatus.NoMatchingMinion, jid, [], "nothing published");
}
