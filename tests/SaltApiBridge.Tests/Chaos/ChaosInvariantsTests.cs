using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>The checker itself: a clean record passes, and each kind of breakage is reported under its invariant.</summary>
public sealed class ChaosInvariantsTests
{
    private const string Token = "5f1c6a2e-8d3b-4f7a-9c0e-2b4d6f8a1c3e";
    private static readonly ChaosMessage Launch = ChaosMessages.Launch(1);
    private static readonly ChaosMessage Hostile = ChaosMessages.Rejected("glob group", ChaosMessages.HookWith(group: "\"*\""));
    private static readonly string Minion = ChaosMessages.MinionId(1);

    [Fact]
    public void Check_CleanLaunch_HoldsEverything() =>
        ChaosInvariants.Check(Record()).Should().BeEmpty();

    [Fact]
    public void Check_ActionNeverCompleted_Reported() =>
        ChaosInvariants.Check(Record(completions: [])).Should().Contain(v => v.StartsWith("completed exactly once with the right result: launch", StringComparison.Ordinal) && v.EndsWith("was never completed", StringComparison.Ordinal));

    [Fact]
    public void Check_ActionNeverCompletedButDeadLettered_OnlyNeedsALoggedReason()
    {
        var withReason = Record(completions: [], deadLettered: true, extraLogs: [$"Warning SaltApiBridge: Launching i-1 as {Minion} (message m-1, receive 6) will be retried in 00:00:01: salt-api: down"]);
        var withoutReason = Record(completions: [], deadLettered: true);

        ChaosInvariants.Check(withReason).Should().BeEmpty();
        ChaosInvariants.Check(withoutReason).Should().ContainSingle().Which.Should().Contain("dead-letter queue without a logged reason");
    }

    [Fact]
    public void Check_FirstCompletionWrongResult_Reported() =>
        ChaosInvariants.Check(Record(completions: [Completion("ABANDON")])).Should().Contain(v => v.Contains("was completed ABANDON, expected CONTINUE", StringComparison.Ordinal));

    [Fact]
    public void Check_DaemonCompletesWithAnotherResultOnRedelivery_Reported() =>
        ChaosInvariants.Check(Record(completions: [Completion("CONTINUE"), Completion("ABANDON")]))
            .Should().ContainSingle().Which.Should().Contain("the daemon completed launch");

    [Fact]
    public void Check_CompletionForAnActionNoMessageCarried_Reported() =>
        ChaosInvariants.Check(Record(completions: [Completion("CONTINUE"), Completion("CONTINUE") with { Token = Token }]))
            .Should().ContainSingle().Which.Should().Contain("for an action no valid message carried");

    [Fact]
    public void Check_MessageStillInQueue_Reported() =>
        ChaosInvariants.Check(Record(leftInQueue: 1)).Should().ContainSingle().Which.Should().Contain("1 messages are still in the queue");

    [Fact]
    public void Check_RejectedMessageWithoutLoggedRejection_Reported() =>
        ChaosInvariants.Check(Record(logRejection: false)).Should().ContainSingle().Which.Should().Contain("glob group (m-2) was neither processed nor dead-lettered");

    [Fact]
    public void Check_KeyAcceptedForAMinionNoValidLaunchNamed_Reported()
    {
        var record = Record(extraRequests: [Lowstate("""{"client":"wheel","fun":"key.accept_dict","match":{"minions_pre":["web-asg-i-00000000000000bad"]}}""")]);

        ChaosInvariants.Check(record).Should().Contain(v => v.StartsWith("no key accepted for a rejected message: key.accept_dict for web-asg-i-00000000000000bad", StringComparison.Ordinal))
            .And.Contain(v => v.StartsWith("one exact minion id per Salt call", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_KeyAcceptedThatAnOperatorRejected_Reported() =>
        ChaosInvariants.Check(Record(refused: true)).Should().ContainSingle().Which.Should().Contain("whose key an operator rejected");

    [Theory]
    [InlineData("""{"client":"local_async","fun":"state.highstate","tgt":"web-asg-*","tgt_type":"glob"}""")]
    [InlineData("""{"client":"local","fun":"test.ping","tgt":["web-asg-i-00000000000000001","web-asg-i-00000000000000002"],"tgt_type":"list"}""")]
    [InlineData("""{"client":"wheel","fun":"key.name_match","match":"web-asg-*"}""")]
    [InlineData("""{"client":"wheel","fun":"key.delete","match":"web-asg-i-00000000000000001"}""")]
    [InlineData("""{"client":"runner","fun":"jobs.lookup_jid","jid":"1"}""")]
    public void Check_LowstateNotAimedAtOneExactMinion_Reported(string lowstate) =>
        ChaosInvariants.Check(Record(extraRequests: [Lowstate(lowstate)])).Should().ContainSingle()
            .Which.Should().StartWith("one exact minion id per Salt call: POST /");

    [Fact]
    public void Check_SecretInALogLine_Reported() =>
        ChaosInvariants.Check(Record(extraLogs: ["Debug SaltApiBridge: logged in with token 96319d4b685f15c0fc5988246d5a6965791d7728"]))
            .Should().ContainSingle().Which.Should().StartWith("no token or password in any log line");

    [Fact]
    public void Check_DeletedBeforeTheActionWasCompleted_Reported() =>
        ChaosInvariants.Check(Record(deleteFirst: true)).Should().ContainSingle().Which.Should().StartWith("deleted only when done: launch");

    [Fact]
    public void Check_SecondStateRunForOneAction_Reported() =>
        ChaosInvariants.Check(Record(stateRuns: 2)).Should().ContainSingle()
            .Which.Should().Be($"at most one state run per lifecycle action: {Minion} started 2 highstates for 1 launches");

    [Fact]
    public void Check_CleanupWithoutATerminatingHook_Reported() =>
        ChaosInvariants.Check(Record(cleanups: 1)).Should().ContainSingle()
            .Which.Should().Be($"at most one state run per lifecycle action: {Minion} started 1 clean-ups for 0 terminating hooks");

    private static AutoScalingCall Completion(string result) =>
        new("CompleteLifecycleAction", ChaosMessages.Group, ChaosMessages.LaunchHook, null, Launch.Token, result, Signed: true);

    private static RawSaltRequest Lowstate(string lowstate) => new("POST", "/", $"[{lowstate}]");

    /// <summary>A launch done right and a hostile message rejected, with one thing changed.</summary>
    private static ChaosRecord Record(
        AutoScalingCall[]? completions = null, bool deadLettered = false, int leftInQueue = 0, bool logRejection = true,
        bool refused = false, bool deleteFirst = false, RawSaltRequest[]? extraRequests = null, string[]? extraLogs = null, int stateRuns = 1, int cleanups = 0)
    {
        var timeline = new ChaosTimeline();
        var launchDone = completions ?? [Completion("CONTINUE")];
        if (deleteFirst)
            timeline.Deleting(["m-1"]);
        timeline.Record(new SaltCall(DateTimeOffset.UnixEpoch, Minion, "wheel key.accept_dict"));
        foreach (var completion in launchDone)
            timeline.Record(completion);
        if (!deleteFirst && !deadLettered)
            timeline.Deleting(["m-1"]);
        timeline.Deleting(["m-2"]);

        RawSaltRequest[] requests =
        [
            Lowstate($$"""{"client":"wheel","fun":"key.name_match","match":"{{Minion}}"}"""),
            Lowstate($$$"""{"client":"wheel","fun":"key.accept_dict","match":{"minions_pre":["{{{Minion}}}"]}}"""),
            Lowstate($$"""{"client":"local_async","fun":"state.highstate","tgt":["{{Minion}}"],"tgt_type":"list"}"""),
            new("POST", "/hook/saltapibridge/launching", $$"""{"minion_id":"{{Minion}}","instance_id":"i-1"}"""),
            .. extraRequests ?? [],
        ];
        List<string> logs = [$"Information SaltApiBridge: Launching i-1 as {Minion}: starting (message m-1, receive 1)", .. extraLogs ?? []];
        if (logRejection)
            logs.Add("Warning SaltApiBridge: Rejected message m-2: group name '*' contains '*'");
        return new ChaosRecord(
            [new SentMessage("m-1", Launch), new SentMessage("m-2", Hostile)],
            timeline, [], requests,
            new Dictionary<string, string>(),
            refused ? new HashSet<string> { Minion } : [],
            deadLettered ? [new DeadLetter("m-1", Launch.Body, 6)] : [],
            leftInQueue, logs,
            ["96319d4b685f15c0fc5988246d5a6965791d7728", "saltapi-test-pw"],
            new Dictionary<string, (int, int)> { [Minion] = (stateRuns, cleanups) });
    }
}
