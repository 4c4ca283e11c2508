namespace SaltApiBridge.Tests.Salt;

public sealed class SaltApiMasterPingTests
{
    private const string Id = SaltApiHarness.MinionId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitUntilReachable_FalseThenTrue_TrueWithShortExactPings()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        // Accepted but not reconnected yet (33: {id: false}), then connected (10: {id: true}).
        salt.OnLowstate("local", "test.ping").InScenario("ping").WillSetStateTo("up", 2).RespondWith(SaltApiHarness.Reply("33"));
        salt.OnLowstate("local", "test.ping").InScenario("ping").WhenStateIs("up").RespondWith(SaltApiHarness.Reply("10"));

        var reachable = await salt.AdvanceUntilCompleteAsync(salt.Master.WaitUntilReachableAsync(Id, Ct), TimeSpan.FromMilliseconds(500));

        reachable.Should().BeTrue();
        var pings = salt.Lowstates("test.ping");
        pings.Should().HaveCount(3);
        pings.Should().AllSatisfy(p => p.Lowstate.ToJsonString().Should().Be(
            """{"client":"local","fun":"test.ping","tgt":["my-asg-i-0123456789abcdef0"],"tgt_type":"list","timeout":1,"gather_job_timeout":1}"""));
    }

    [Fact]
    public async Task WaitUntilReachable_NoAcceptedKey_FalseAtOnce()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("local", "test.ping").RespondWith(SaltApiHarness.Reply("11"));

        var reachable = await salt.Master.WaitUntilReachableAsync(SaltApiHarness.UnknownMinionId, Ct);

        reachable.Should().BeFalse();
        salt.Lowstates("test.ping").Should().ContainSingle();
    }

    [Fact]
    public async Task WaitUntilReachable_NeverAnswers_FalseAtConfiguredDeadline()
    {
        await using var salt = SaltApiHarness.Start(new Dictionary<string, string?> { ["SaltApi:ReachableTimeout"] = "00:00:30" }).WithLogin();
        salt.OnLowstate("local", "test.ping").RespondWith(SaltApiHarness.Reply("33"));
        var started = salt.Time.GetUtcNow();

        var reachable = await salt.AdvanceUntilCompleteAsync(salt.Master.WaitUntilReachableAsync(Id, Ct), TimeSpan.FromMilliseconds(500));

        reachable.Should().BeFalse();
        (salt.Time.GetUtcNow() - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(30));
        // Waits of 1, 2, 4, 5, 5, … s (capped at ReachablePollMaxInterval).
        salt.Lowstates("test.ping").Count.Should().BeInRange(7, 10);
    }
}
