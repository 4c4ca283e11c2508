using System.Text.Json.Nodes;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Salt;

public sealed class SaltApiMasterKeyTests
{
    private const string Id = SaltApiHarness.MinionId;

    // key.name_match replies the transcripts lack, derived from transcript 44 (name_match, accepted): same wheel
    // envelope, with data.return holding the id in another key directory, or {} when no key matched (Salt's
    // name_match returns only the directories that hold a match).
    private const string PendingKeys = """{"minions_pre": ["my-asg-i-0123456789abcdef0"]}""";
    private const string RejectedKeys = """{"minions_rejected": ["my-asg-i-0123456789abcdef0"]}""";
    private const string DeniedKeys = """{"minions_denied": ["my-asg-i-0123456789abcdef0"]}""";
    private const string NoKeys = "{}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(PendingKeys, MinionKeyState.Pending)]
    [InlineData(RejectedKeys, MinionKeyState.Rejected)]
    [InlineData(DeniedKeys, MinionKeyState.Denied)]
    [InlineData(NoKeys, MinionKeyState.Absent)]
    [InlineData("""{"minions_pre": ["my-asg-i-0123456789abcdef0-other"]}""", MinionKeyState.Absent)]
    public async Task GetKeyState_NameMatchReply_MapsKeyDirectory(string keys, MinionKeyState expected)
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", keys));

        var state = await salt.Master.GetKeyStateAsync(Id, Ct);

        state.Should().Be(expected);
    }

    [Fact]
    public async Task GetKeyState_AcceptedKey_SendsExactNameMatchAndReadsTranscript44()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("44"));

        var state = await salt.Master.GetKeyStateAsync(Id, Ct);

        state.Should().Be(MinionKeyState.Accepted);
        var (lowstate, request) = salt.Lowstates("key.name_match").Should().ContainSingle().Subject;
        lowstate.ToJsonString().Should().Be("""{"client":"wheel","fun":"key.name_match","match":"my-asg-i-0123456789abcdef0"}""");
        JsonNode.Parse(request.Body!).Should().BeOfType<JsonArray>().Which.Should().HaveCount(1);
        SaltApiHarness.Header(request, "X-Auth-Token").Should().Be(SaltApiHarness.Token);
        SaltApiHarness.Header(request, "Accept").Should().Be("application/json");
    }

    [Theory]
    [InlineData("my-asg-*")]
    [InlineData("a,b")]
    [InlineData("../etc")]
    [InlineData("x/y")]
    [InlineData("")]
    public async Task GetKeyState_IdWithGlobOrPathCharacters_RefusedBeforeAnyRequest(string id)
    {
        await using var salt = SaltApiHarness.Start().WithLogin();

        var act = () => salt.Master.GetKeyStateAsync(id, Ct);

        await act.Should().ThrowAsync<ArgumentException>();
        salt.Requests("/").Should().BeEmpty();
    }

    [Fact]
    public async Task AcceptKey_PendingThenLookAgain_AcceptsOnceThenSeesItAccepted()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        // Pending until accept_dict ran (transcript 41), accepted afterwards (transcript 44).
        salt.OnLowstate("wheel", "key.name_match").InScenario("key")
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", PendingKeys));
        salt.OnLowstate("wheel", "key.accept_dict").InScenario("key").WillSetStateTo("accepted")
            .RespondWith(SaltApiHarness.Reply("41"));
        salt.OnLowstate("wheel", "key.name_match").InScenario("key").WhenStateIs("accepted")
            .RespondWith(SaltApiHarness.Reply("44"));
        // Were accept_dict sent again it would fail inside Salt, as on the real master (transcript 42).
        salt.OnLowstate("wheel", "key.accept_dict").InScenario("key").WhenStateIs("accepted")
            .RespondWith(SaltApiHarness.Reply("42"));

        var before = await salt.Master.WaitForKeyAsync(Id, Ct);
        var first = await salt.Master.AcceptKeyAsync(Id, before, Ct);
        var after = await salt.Master.WaitForKeyAsync(Id, Ct);

        before.Should().Be(MinionKeyState.Pending);
        first.Should().Be(KeyAcceptOutcome.Accepted);
        after.Should().Be(MinionKeyState.Accepted, "an accepted key is not accepted again");
        var accept = salt.Lowstates("key.accept_dict").Should().ContainSingle().Subject.Lowstate;
        accept["client"]!.GetValue<string>().Should().Be("wheel");
        accept["match"]!.ToJsonString().Should().Be("""{"minions_pre":["my-asg-i-0123456789abcdef0"]}""");
        salt.Lowstates("key.name_match").Should().HaveCount(2);
    }

    [Theory]
    [InlineData(RejectedKeys, MinionKeyState.Rejected)]
    [InlineData(DeniedKeys, MinionKeyState.Denied)]
    public async Task WaitForKey_RejectedOrDenied_ReportsItWithoutAccepting(string keys, MinionKeyState expected)
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", keys));
        salt.OnLowstate("wheel", "key.accept_dict").RespondWith(SaltApiHarness.Reply("41"));

        var state = await salt.Master.WaitForKeyAsync(Id, Ct);

        state.Should().Be(expected);
        salt.Lowstates("key.accept_dict").Should().BeEmpty();
    }

    [Theory]
    [InlineData(MinionKeyState.Rejected, """{"client":"wheel","fun":"key.accept_dict","match":{"minions_rejected":["my-asg-i-0123456789abcdef0"]},"include_rejected":true}""")]
    [InlineData(MinionKeyState.Denied, """{"client":"wheel","fun":"key.accept_dict","match":{"minions_denied":["my-asg-i-0123456789abcdef0"]},"include_denied":true}""")]
    public async Task AcceptKey_FromRejectedOrDenied_NamesThatDirectoryAndItsFlag(MinionKeyState from, string expected)
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.accept_dict").RespondWith(SaltApiHarness.Reply("41"));

        var outcome = await salt.Master.AcceptKeyAsync(Id, from, Ct);

        outcome.Should().Be(KeyAcceptOutcome.Accepted);
        salt.Lowstates("key.accept_dict").Should().ContainSingle().Which.Lowstate.ToJsonString().Should().Be(expected);
    }

    [Theory]
    [InlineData(MinionKeyState.Absent)]
    [InlineData(MinionKeyState.Accepted)]
    public async Task AcceptKey_FromAbsentOrAccepted_RefusedBeforeAnyRequest(MinionKeyState from)
    {
        await using var salt = SaltApiHarness.Start().WithLogin();

        var act = () => salt.Master.AcceptKeyAsync(Id, from, Ct);

        await act.Should().ThrowAsync<ArgumentOutOfRangeException>();
        salt.Server!.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public async Task ListKeys_Transcripts03And05_ReadsEveryDirectory()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.list_all").InScenario("keys").WillSetStateTo("accepted").RespondWith(SaltApiHarness.Reply("03"));
        salt.OnLowstate("wheel", "key.list_all").InScenario("keys").WhenStateIs("accepted").RespondWith(SaltApiHarness.Reply("05"));

        var pending = await salt.Master.ListKeysAsync(Ct);
        var accepted = await salt.Master.ListKeysAsync(Ct);

        pending.Should().BeEquivalentTo(new KeyListing([], [Id], [], []));
        accepted.Should().BeEquivalentTo(new KeyListing([Id], [], [], []));
        salt.Lowstates("key.list_all").Should().AllSatisfy(l => l.Lowstate.ToJsonString().Should().Be("""{"client":"wheel","fun":"key.list_all"}"""));
    }

    [Fact]
    public async Task ListKeys_ListingWithoutADirectory_ThrowsRatherThanReportFewerKeys()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        // Derived from transcript 38 (list_all after a delete) with minions_rejected left out.
        salt.OnLowstate("wheel", "key.list_all").RespondWith(SaltApiHarness.DerivedWheelReply(
            "key.list_all", """{"minions": [], "minions_pre": [], "minions_denied": [], "local": ["master.pem", "master.pub"]}"""));

        var act = () => salt.Master.ListKeysAsync(Ct);

        (await act.Should().ThrowAsync<SaltApiException>()).Which.Message.Should().Contain("minions_rejected");
    }

    [Fact]
    public async Task WaitForKey_KeyArrivesAfterThreePolls_WaitsWithGrowingPauses()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").InScenario("boot").WillSetStateTo("pending", 3)
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", NoKeys));
        salt.OnLowstate("wheel", "key.name_match").InScenario("boot").WhenStateIs("pending")
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", PendingKeys));
        salt.OnLowstate("wheel", "key.accept_dict").RespondWith(SaltApiHarness.Reply("41"));
        var started = salt.Time.GetUtcNow();

        var state = await salt.AdvanceUntilCompleteAsync(salt.Master.WaitForKeyAsync(Id, Ct), TimeSpan.FromSeconds(1));

        state.Should().Be(MinionKeyState.Pending);
        salt.Lowstates("key.name_match").Should().HaveCount(4);
        // Waits of 2 s, 4 s, 8 s between the polls (fake time moves in 1 s steps).
        (salt.Time.GetUtcNow() - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(14)).And.BeLessThan(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task WaitForKey_KeyNeverArrives_AbsentAtTheConfiguredDeadline()
    {
        await using var salt = SaltApiHarness.Start(new Dictionary<string, string?> { ["SaltApi:KeyWaitTimeout"] = "00:01:00" }).WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", NoKeys));
        var started = salt.Time.GetUtcNow();

        var state = await salt.AdvanceUntilCompleteAsync(salt.Master.WaitForKeyAsync(Id, Ct), TimeSpan.FromSeconds(1));

        state.Should().Be(MinionKeyState.Absent);
        (salt.Time.GetUtcNow() - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMinutes(1)).And.BeLessThan(TimeSpan.FromMinutes(2));
        // 2 + 4 + 8 + 15 + 15 + 15 (capped at the deadline) + 1 last look.
        salt.Lowstates("key.name_match").Count.Should().BeInRange(6, 8);
        salt.Lowstates("key.accept_dict").Should().BeEmpty();
    }

    [Fact]
    public async Task AcceptKey_AcceptDictFailsInsideSaltWhileStillPending_ThrowsSummaryOfTraceback()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", PendingKeys));
        salt.OnLowstate("wheel", "key.accept_dict").RespondWith(SaltApiHarness.Reply("43"));

        var act = () => salt.Master.AcceptKeyAsync(Id, MinionKeyState.Pending, Ct);

        var error = (await act.Should().ThrowAsync<SaltApiException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.Message.Should().Be(
            "wheel key.accept_dict failed inside Salt: Exception occurred in wheel key.accept_dict: Traceback (most recent call last): … "
            + "FileNotFoundError: [Errno 2] No such file or directory: '/etc/salt/pki/master/minions_pre/my-asg-i-00000000000000bad'");
        error.Message.Should().NotContain("site-packages");
    }

    [Fact]
    public async Task AcceptKey_SomeoneElseAcceptedBetweenLookupAndAccept_AlreadyAccepted()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").InScenario("race")
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", PendingKeys));
        salt.OnLowstate("wheel", "key.accept_dict").InScenario("race").WillSetStateTo("accepted")
            .RespondWith(SaltApiHarness.Reply("42"));
        salt.OnLowstate("wheel", "key.name_match").InScenario("race").WhenStateIs("accepted")
            .RespondWith(SaltApiHarness.Reply("44"));

        var outcome = await salt.Master.AcceptKeyAsync(Id, MinionKeyState.Pending, Ct);

        outcome.Should().Be(KeyAcceptOutcome.AlreadyAccepted);
    }

    [Fact]
    public async Task DeleteKey_Twice_SendsExactDeleteDictAndSucceedsBothTimes()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        // The first delete removes the key (45); the second finds none (46). Both return {}.
        salt.OnLowstate("wheel", "key.delete_dict").InScenario("delete").WillSetStateTo("gone")
            .RespondWith(SaltApiHarness.Reply("45"));
        salt.OnLowstate("wheel", "key.delete_dict").InScenario("delete").WhenStateIs("gone")
            .RespondWith(SaltApiHarness.Reply("46"));

        await salt.Master.DeleteKeyAsync(Id, Ct);
        await salt.Master.DeleteKeyAsync(Id, Ct);

        var deletes = salt.Lowstates("key.delete_dict");
        deletes.Should().HaveCount(2);
        deletes.Should().AllSatisfy(d => d.Lowstate.ToJsonString().Should().Be(
            """{"client":"wheel","fun":"key.delete_dict","match":{"minions":["my-asg-i-0123456789abcdef0"]}}"""));
    }

    [Fact]
    public async Task DeleteKey_WheelReportsFailure_ThrowsNonTransient()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        // Transcript 08's failure (wheel success:false, traceback string), reached through delete_dict.
        salt.OnLowstate("wheel", "key.delete_dict").RespondWith(SaltApiHarness.Reply("08"));

        var act = () => salt.Master.DeleteKeyAsync(Id, Ct);

        var error = (await act.Should().ThrowAsync<SaltApiException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.Message.Should().StartWith("wheel key.delete_dict failed inside Salt: Exception occurred in wheel key.accept:");
    }
}
