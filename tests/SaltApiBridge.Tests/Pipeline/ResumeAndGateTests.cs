using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>The launch path's gate and its resume after a redelivery, through the real pipeline and handler over fakes.</summary>
public sealed class ResumeAndGateTests
{
    private const string Group = "web";
    private const string Token = "00000000-0000-4000-8000-000000000001";
    private const string Jid = "20261125110000000001";
    private static readonly string Instance = $"i-{1:x17}";
    private static readonly string Minion = $"{Group}-{Instance}";

    private static string Launch(string token = Token) =>
        SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", token);

    private static ProvisioningRecord EarlierRecord(string? jid) =>
        new(Minion, Instance, Group, ProvisioningRecord.KeyOf(Token), DateTimeOffset.UtcNow.AddMinutes(-5), jid, DateTimeOffset.UtcNow.AddMinutes(-4));

    [Fact]
    public async Task RunAsync_RedeliveredWhileItsHighstateRuns_WaitsForThatJobWithoutPublishingAnother()
    {
        await using var harness = new PipelineHarness();
        await harness.Records.SaveAsync(EarlierRecord(Jid), TestContext.Current.CancellationToken);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        var job = new TaskCompletionSource<StateRunResult>();
        harness.Salt.AddJob(Jid, job.Task);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.Log.WaitUntilAsync(calls => calls.Contains($"heartbeat {Instance}"));
        job.SetResult(new StateRunResult(StateRunStatus.Succeeded, Jid, [], null));
        await harness.WaitForSettledAsync(1);

        harness.Log.All.Where(c => !c.StartsWith("heartbeat", StringComparison.Ordinal) && !c.StartsWith("sqs-", StringComparison.Ordinal)).Should().Equal(
            $"highstate-done {Minion}",
            $"event saltapibridge/provisioned {Minion}",
            $"complete {Instance} Continue {Token}");
        harness.Log.All[0].Should().Be($"heartbeat {Instance}", "a resumed action gets a heartbeat before anything else");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.ProvisionedJid.Should().Be(Jid);
    }

    [Fact]
    public async Task RunAsync_RestartBetweenRecordAndPublish_PublishesTheRecordedJid()
    {
        await using var harness = new PipelineHarness();
        const string recorded = "20261125110000009999_0123456789abcdef";
        await harness.Records.SaveAsync(EarlierRecord(recorded), TestContext.Current.CancellationToken);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("highstate ").Should().ContainSingle();
        harness.Salt.StartedRuns.Should().Equal((Minion, recorded, "state.highstate"));
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.HighstateJid.Should().Be(recorded);
        harness.Log.Matching("accept").Should().BeEmpty("the key was accepted before the restart");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_RecordOfAnotherAction_StartsAfresh()
    {
        await using var harness = new PipelineHarness();
        await harness.Records.SaveAsync(EarlierRecord(Jid) with { ActionKey = ProvisioningRecord.KeyOf("an-older-action") }, TestContext.Current.CancellationToken);
        harness.Salt.AddJob(Jid, new TaskCompletionSource<StateRunResult>().Task);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().Contain([$"event saltapibridge/launching {Minion}", $"accept {Minion}", $"highstate {Minion}"]);
        var record = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        record!.IsFor(ProvisioningRecord.KeyOf(Token)).Should().BeTrue();
        record.HighstateJid.Should().NotBe(Jid);
    }

    [Fact]
    public async Task RunAsync_FreshLaunch_RecordsTheJidBeforeWaitingAndNeverStoresTheToken()
    {
        await using var harness = new PipelineHarness();
        var release = new TaskCompletionSource();
        harness.Salt.Highstate = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        harness.Queue.Send(Launch());
        harness.Start();
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion}"));

        var running = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        release.SetResult();
        await harness.WaitForSettledAsync(1);

        running!.HighstateJid.Should().NotBeNull("a restart must be able to find the job");
        running.ProvisionedAt.Should().BeNull();
        running.ActionKey.Should().NotBe(Token).And.HaveLength(64);
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.ProvisionedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task RunAsync_FreshLaunch_JidIsOnRecordBeforeThePublish()
    {
        await using var harness = new PipelineHarness();
        ProvisioningRecord? atPublish = null;
        harness.Salt.Highstate = async (minion, ct) =>
        {
            atPublish = await harness.Records.GetAsync(minion, ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        var run = harness.Salt.StartedRuns.Should().ContainSingle().Subject;
        atPublish!.HighstateJid.Should().Be(run.Jid);
    }

    [Fact]
    public async Task RunAsync_PublishReplyLost_RepublishesTheSameJidAndRunsOnce()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.LoseReplies(1);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Salt.PublishedJids.Should().HaveCount(2).And.OnlyContain(j => j == harness.Salt.PublishedJids.First());
        harness.Salt.StartedRuns.Should().ContainSingle();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_EveryPublishReplyLost_RedeliveryFindsTheOneRunAndCompletes()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.LoseReplies(100);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(2);

        harness.Salt.StartedRuns.Should().ContainSingle("every retry and the redelivery republish the recorded jid");
        harness.Salt.PublishedJids.Distinct().Should().ContainSingle();
        harness.Settled.First().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_MasterIgnoresTheChosenJid_RecordsAndWaitsForTheJidItPublished()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.IgnoreChosenJids = true;
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        var run = harness.Salt.StartedRuns.Should().ContainSingle().Subject;
        var record = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        record!.HighstateJid.Should().Be(run.Jid, "a redelivery must find the job that really runs");
        record.ProvisionedJid.Should().Be(run.Jid);
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_RedeliveredAfterItsHighstateSucceeded_CompletesWithoutLookingAgain()
    {
        await using var harness = new PipelineHarness();
        await harness.Records.SaveAsync(
            EarlierRecord(Jid) with { ProvisionedAt = DateTimeOffset.UtcNow.AddMinutes(-1), ProvisionedJid = Jid }, TestContext.Current.CancellationToken);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("highstate").Should().BeEmpty("the master may have forgotten the job, and the minion would drop its jid");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_JobReplyLost_RepublishesTheSameJidAndRunsOnce()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.LoseJobReplies(1);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Salt.StartedRuns.Should().ContainSingle();
        harness.Salt.PublishedJids.Should().HaveCount(2).And.OnlyContain(j => j == harness.Salt.StartedRuns.Single().Jid);
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_CompletionReplyLost_RedeliveryCompletesWithoutASecondRun()
    {
        await using var harness = new PipelineHarness();
        var completions = 0;
        harness.Actions.Complete = _ => Interlocked.Increment(ref completions) == 1
            ? Task.FromException<LifecycleActionOutcome>(new AutoScalingException("CompleteLifecycleAction: the connection was reset", isTransient: true))
            : Task.FromResult(LifecycleActionOutcome.Done);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(2);

        harness.Settled.First().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        harness.Salt.StartedRuns.Should().ContainSingle("the redelivery finds the recorded jid done");
        harness.Log.Matching("complete").Should().HaveCount(2).And.AllBe($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_AnotherStateRunInProgress_WaitsForItThenRunsOursOnce()
    {
        await using var harness = new PipelineHarness();
        const string operators = "20261125100000000001";
        var theirs = new TaskCompletionSource<StateRunResult>();
        harness.Salt.Occupy(Minion, operators, theirs.Task);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.Log.WaitUntilAsync(calls => calls.Contains($"refused {Minion}"));
        theirs.SetResult(new StateRunResult(StateRunStatus.Failed, operators, [], "the operator's run failed"));
        await harness.WaitForSettledAsync(1);

        var ours = harness.Salt.StartedRuns.Should().ContainSingle().Subject;
        harness.Salt.PublishedJids.Should().HaveCount(2).And.EndWith(ours.Jid);
        harness.Salt.PublishedJids.First().Should().NotBe(ours.Jid, "the refused jid is spent: the minion would drop it");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.ProvisionedJid.Should().Be(ours.Jid);
        harness.Log.Matching("provision_failed").Should().BeEmpty();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_AnotherStateRunOutlastsTheJobTimeout_RetriedNeverAbandoned()
    {
        await using var harness = new PipelineHarness(jobTimeout: TimeSpan.FromMilliseconds(300));
        harness.Salt.Occupy(Minion, "20261125100000000001", new TaskCompletionSource<StateRunResult>().Task);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Settled.First().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        harness.Settled.First().Outcome.Summary.Should().Contain("another state run");
        harness.Salt.StartedRuns.Should().BeEmpty();
        harness.Log.Matching("complete").Should().BeEmpty();
        harness.Log.Matching("provision_failed").Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_CleanPublishReplyLost_CleansOnceAndContinues()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Salt.LoseReplies(1);
        harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_TERMINATING", Group, Instance, "drain", Token));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Salt.StartedRuns.Should().ContainSingle().Which.Function.Should().Be("state.sls");
        harness.Salt.PublishedJids.Distinct().Should().ContainSingle();
        var record = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        record!.CleanJid.Should().Be(harness.Salt.StartedRuns.Single().Jid);
        record.IsCleanFor(ProvisioningRecord.KeyOf(Token)).Should().BeTrue();
        harness.Log.Matching("clean_failed").Should().BeEmpty();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_TerminatingRedeliveredWhileItsCleanRuns_WaitsWithoutPublishing()
    {
        await using var harness = new PipelineHarness();
        const string cleanJid = "20261125110000000002_00000000000000aa";
        await harness.Records.SaveAsync(
            EarlierRecord(Jid) with { CleanActionKey = ProvisioningRecord.KeyOf(Token), CleanJid = cleanJid }, TestContext.Current.CancellationToken);
        harness.Salt.AddJob(cleanJid, Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, cleanJid, [], null)));
        harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_TERMINATING", Group, Instance, "drain", Token));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("sls ").Should().BeEmpty();
        harness.Log.Matching("event saltapibridge/cleaned").Should().ContainSingle();
        harness.Settled.Single().Outcome.Summary.Should().Contain(cleanJid);
    }

    [Fact]
    public async Task RunAsync_InstanceNotWaitingInTheGroup_NeitherAcceptsNorCompletes()
    {
        await using var harness = new PipelineHarness();
        harness.Inventory.Set(Instance, "another-group");
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("accept").Should().BeEmpty();
        harness.Log.Matching("highstate").Should().BeEmpty();
        harness.Log.Matching("complete").Should().BeEmpty();
        harness.Log.All.Should().Contain($"event saltapibridge/refused {Minion}");
        harness.Settled.Single().Outcome.Should().Match<WorkOutcome>(o => o.Disposition == MessageDisposition.Delete && o.Result == "refused");
        harness.Inventory.Calls.Should().Contain($"instances {Instance}");
    }

    [Fact]
    public async Task RunAsync_RedeliveredAfterTheActionWasCompleted_EndsQuietlyWithoutARefusal()
    {
        await using var harness = new PipelineHarness();
        await harness.Records.SaveAsync(EarlierRecord(Jid) with { ProvisionedAt = DateTimeOffset.UtcNow }, TestContext.Current.CancellationToken);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Inventory.Set(Instance, Group, AutoScalingInstance.InService);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().NotContain(c => c.StartsWith("event", StringComparison.Ordinal) || c.StartsWith("accept", StringComparison.Ordinal)
            || c.StartsWith("highstate", StringComparison.Ordinal) || c.StartsWith("complete", StringComparison.Ordinal));
        harness.Settled.Single().Outcome.Should().Match<WorkOutcome>(o => o.Disposition == MessageDisposition.Delete && o.Result == "action gone");
    }

    [Fact]
    public async Task RunAsync_WarmPoolLaunch_ExpectsWarmedPendingWait()
    {
        await using var harness = new PipelineHarness();
        harness.Inventory.Set(Instance, Group, AutoScalingInstance.WarmedPendingWait);
        var body = Launch().Replace("\"Destination\":\"AutoScalingGroup\"", "\"Destination\":\"WarmPool\"", StringComparison.Ordinal);
        body.Should().Contain("WarmPool");
        harness.Queue.Send(body);
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().Contain($"accept {Minion}");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_DeniedKeyWithAcceptDeniedKeys_AcceptsFromDenied()
    {
        var bridge = new BridgeOptions { AcceptDeniedKeys = true };
        await using var harness = new PipelineHarness(bridge: bridge);
        harness.Salt.SetKey(Minion, MinionKeyState.Denied);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().Contain($"accept {Minion} from Denied");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }
}
