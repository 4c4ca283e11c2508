using SaltApiBridge.Lifecycle;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>A state job of a lifecycle action runs at most once on the minion, under a jid recorded before it goes out.</summary>
public sealed class StateJobRunnerTests
{
    private const string RecordedJid = "20261206105500000001";
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly List<(string Jid, int PublishedBefore)> recorded = [];

    /// <summary>The highstate job as a launch makes it; each jid recorded is noted with how many publishes preceded it.</summary>
    private StateJob Highstate(InstanceWork work, ProvisioningRig rig, string? recordedJid) => new(
        "highstate",
        recordedJid,
        jid =>
        {
            recorded.Add((jid, rig.Salt.PublishedJids.Count));
            return Task.CompletedTask;
        },
        jid => work.Jobs.StartHighstateAsync(work.MinionId, jid, Ct));

    private async Task<(StateRunResult? Run, InstanceWork Work)> RunAsync(ProvisioningRig rig, string? recordedJid = null, Action<InstanceWork>? prepare = null)
    {
        var work = rig.Work(rig.Plan(LifecycleEventKind.Launching));
        prepare?.Invoke(work);
        var run = await rig.Time.AdvanceUntilCompleteAsync(
            rig.Get<StateJobRunner>().RunOnceAsync(Highstate(work, rig, recordedJid), work, Ct), TimeSpan.FromSeconds(1));
        return (run, work);
    }

    private static Task<StateRunResult> Succeeded(string jid) => Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, jid, [], null));

    [Fact]
    public async Task RunOnceAsync_FirstRun_RecordsItsJidBeforePublishingIt()
    {
        await using var rig = new ProvisioningRig();

        var (run, _) = await RunAsync(rig);

        recorded.Should().Equal((run!.Jid!, 0));
        rig.Salt.PublishedJids.Should().Equal(run.Jid);
    }

    [Fact]
    public async Task RunOnceAsync_MinionDoesNotAnswerThePing_NullAndNothingPublished()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.Reachable = false;

        var (run, _) = await RunAsync(rig);

        run.Should().BeNull();
        rig.Salt.PublishedJids.Should().BeEmpty();
    }

    [Fact]
    public async Task RunOnceAsync_RecordedJidTheMasterKnows_WaitedForWithoutPublishing()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.AddJob(RecordedJid, Succeeded(RecordedJid));

        var (run, _) = await RunAsync(rig, RecordedJid);

        run!.Jid.Should().Be(RecordedJid);
        rig.Salt.PublishedJids.Should().BeEmpty();
    }

    [Fact]
    public async Task RunOnceAsync_RecordedJidTheMasterDoesNotKnow_PublishedUnderThatSameJid()
    {
        await using var rig = new ProvisioningRig();

        await RunAsync(rig, RecordedJid);

        rig.Salt.PublishedJids.Should().Equal(RecordedJid);
    }

    [Fact]
    public async Task RunOnceAsync_PublishReplyLost_SameJidPublishedAgainAndRunOnce()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.LoseReplies(1);

        var (run, _) = await RunAsync(rig);

        rig.Salt.PublishedJids.Should().Equal(run!.Jid, run.Jid);
        rig.Salt.StartedRuns.Should().ContainSingle();
    }

    [Fact]
    public async Task RunOnceAsync_JobLookupLostOnce_SameJidPublishedAgainAndItsVerdictStands()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.LoseJobReplies(1);

        var (run, _) = await RunAsync(rig);

        run!.Status.Should().Be(StateRunStatus.Succeeded);
        rig.Salt.PublishedJids.Should().Equal(run.Jid, run.Jid);
        rig.Salt.StartedRuns.Should().ContainSingle();
    }

    [Fact]
    public async Task RunOnceAsync_JobLookupLostOnEveryAttempt_TheLastFailureStandsAfterStepAttempts()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.LoseJobReplies(int.MaxValue);

        var failing = () => RunAsync(rig);

        (await failing.Should().ThrowAsync<SaltApiException>()).Which.IsTransient.Should().BeTrue();
        rig.Salt.PublishedJids.Should().HaveCount(rig.Pipeline.StepAttempts);
        rig.Salt.PublishedJids.Distinct().Should().ContainSingle("every attempt republishes the same jid");
    }

    [Fact]
    public async Task RunOnceAsync_MasterIgnoresTheChosenJid_RecordsTheJidItPublished()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.IgnoreChosenJids = true;

        var (run, _) = await RunAsync(rig);

        recorded.Select(r => r.Jid).Should().HaveCount(2).And.EndWith(run!.Jid!);
    }

    [Fact]
    public async Task RunOnceAsync_AnotherStateRunInProgress_WaitsForItThenPublishesUnderANewJid()
    {
        await using var rig = new ProvisioningRig();
        var theirs = new TaskCompletionSource<StateRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Salt.Occupy(Minion, RecordedJid, theirs.Task);
        var running = RunAsync(rig);
        await rig.Log.WaitUntilAsync(calls => calls.Contains($"refused {Minion}"));

        theirs.SetResult(new StateRunResult(StateRunStatus.Succeeded, RecordedJid, [], null));
        var (run, _) = await running;

        run!.Succeeded.Should().BeTrue();
        rig.Salt.PublishedJids.Should().HaveCount(2).And.OnlyHaveUniqueItems("the refused jid is spent");
    }

    [Fact]
    public async Task RunOnceAsync_RecordedJobsMasterStaysDown_RunsItAgainThroughALiveMasterAfterTheTimeout()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Salt.SetKey(Minion, MinionKeyState.Accepted);
        rig.Others[0].IsDown = true;
        var start = rig.Time.GetUtcNow();

        var (run, work) = await RunAsync(rig, RecordedJid, w => w.JobMaster = rig.Masters.Find("m2")!);

        work.JobMaster.Name.Should().Be("local");
        rig.Salt.PublishedJids.Should().Equal(run!.Jid).And.NotContain(RecordedJid);
        (rig.Time.GetUtcNow() - start).Should().BeGreaterThanOrEqualTo(rig.SaltOptions.MasterDownTimeout);
    }

    [Fact]
    public async Task RunOnceAsync_RecordedJobsMasterStaysDown_SaysASecondRunMayFollow()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Salt.SetKey(Minion, MinionKeyState.Accepted);
        rig.Others[0].IsDown = true;

        await RunAsync(rig, RecordedJid, w => w.JobMaster = rig.Masters.Find("m2")!);

        rig.Logs.Lines.Should().ContainSingle(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("a second run may follow", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnceAsync_RecordedJobsMasterStaysDownAndNoLiveMasterHoldsTheKey_KeepsWaitingAndPublishesNothing()
    {
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Salt.SetKey(Minion, MinionKeyState.Pending);
        rig.Others[0].IsDown = true;
        var work = rig.Work(rig.Plan(LifecycleEventKind.Launching));
        work.JobMaster = rig.Masters.Find("m2")!;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = rig.Get<StateJobRunner>().RunOnceAsync(Highstate(work, rig, RecordedJid), work, stop.Token);
        // Time moves on until the runner has looked for a live master holding the key three times (each look follows
        // a MasterDownTimeout of m2 failing), bounded in real time.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && rig.Log.Matching($"keystate {Minion}").Count < 3 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, Ct));
            rig.Time.Advance(TimeSpan.FromSeconds(1));
        }

        run.IsCompleted.Should().BeFalse("no master that answers holds the key: no verdict, so nothing to complete with");
        rig.Log.Matching($"keystate {Minion}").Should().HaveCountGreaterThanOrEqualTo(3, "the runner asked the live master for the key after the timeout, again and again");
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
        rig.Salt.PublishedJids.Should().BeEmpty();
        work.JobMaster.Name.Should().Be("m2");
    }

    [Theory]
    [InlineData("highstate")]
    [InlineData("clean")]
    public void RunningText_TheBridgesOwnStep_OneConstantForEveryLaunch(string step)
    {
        var text = StateJobRunner.RunningText(step);

        text.Should().Be(step + " running");
        StateJobRunner.RunningText(new string(step.AsSpan())).Should().BeSameAs(text);
    }

    [Fact]
    public void RunningText_AnotherStep_SaysItRuns()
    {
        StateJobRunner.RunningText("orchestrate").Should().Be("orchestrate running");
    }

    [Fact]
    public void Describe_AnotherRunInProgress_NamesTheRunInTheWay()
    {
        StateJobRunner.Describe("clean", new StateRunResult(StateRunStatus.AnotherRunInProgress, "20261206110000000002", [], null, RecordedJid))
            .Should().Be($"clean (jid 20261206110000000002): not started, another state run (jid {RecordedJid}) was still in progress on the minion");
    }

    [Fact]
    public void Describe_FailedStates_NamesTheFirstThree()
    {
        FailedState[] failed = [new("pkg_nginx", "not found"), new("svc_nginx", null), new("cfg", "bad"), new("fourth", "x")];

        StateJobRunner.Describe("highstate", new StateRunResult(StateRunStatus.Failed, RecordedJid, failed, null))
            .Should().Be($"highstate (jid {RecordedJid}) failed: pkg_nginx: not found; svc_nginx; cfg: bad");
    }
}
