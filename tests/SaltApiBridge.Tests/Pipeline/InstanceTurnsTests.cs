using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;
using SaltApiBridge.Status;
using SaltApiBridge.Tests.Provisioning;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Work for an instance in its turn: unless known finished, under the instance's lease, after earlier work for it.</summary>
public sealed class InstanceTurnsTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WorkSource Message(ProvisioningRig rig, LifecycleEventKind kind, int n = 1, string? messageId = null) =>
        WorkSource.Of(new QueueMessage(messageId ?? $"msg-{n}", $"handle-{n}", "{}", 1), rig.Plan(kind, n).Event.LifecycleActionToken);

    private static Task<WorkOutcome> RunAsync(ProvisioningRig rig, LifecycleEventKind kind, int n = 1, string? messageId = null, CancellationToken? abortWork = null) =>
        rig.Get<InstanceTurns>().RunAsync(rig.Plan(kind, n), Message(rig, kind, n, messageId), abortWork ?? Ct);

    private static Task<bool> FinishedAsync(ProvisioningRig rig, string key) => rig.Get<IFinishedWork>().ContainsAsync(key, Ct);

    [Fact]
    public async Task RunAsync_MessageFinishedBefore_DuplicateWithoutACall()
    {
        await using var rig = new ProvisioningRig();
        await rig.Get<IFinishedWork>().AddAsync("message:msg-1", Ct);

        var outcome = await RunAsync(rig, LifecycleEventKind.Launching);

        outcome.Result.Should().Be("duplicate");
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_ActionFinishedUnderAnotherMessage_Duplicate()
    {
        await using var rig = new ProvisioningRig();
        await rig.Get<IFinishedWork>().AddAsync("action:" + ProvisioningRecord.KeyOf(ProvisioningRig.Token(1)), Ct);

        (await RunAsync(rig, LifecycleEventKind.Launching, messageId: "msg-via-sns")).Result.Should().Be("duplicate");
    }

    [Fact]
    public async Task RunAsync_Done_RememberedUnderTheMessageAndTheAction()
    {
        await using var rig = new ProvisioningRig();

        await RunAsync(rig, LifecycleEventKind.Launching);

        (await FinishedAsync(rig, "message:msg-1")).Should().BeTrue();
        (await FinishedAsync(rig, "action:" + ProvisioningRecord.KeyOf(ProvisioningRig.Token(1)))).Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_RetryLater_NotRemembered()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.IsDown = true;

        await RunAsync(rig, LifecycleEventKind.Launching);

        (await FinishedAsync(rig, "message:msg-1")).Should().BeFalse();
    }

    [Fact]
    public async Task RunAsync_InstanceLeasedElsewhere_RetryAfterTheLockedRetryDelayWithoutACall()
    {
        await using var rig = new ProvisioningRig();
        await using var other = await rig.Leases.TryAcquireAsync(LeaseKey.Instance(Minion), Ct);

        var outcome = await RunAsync(rig, LifecycleEventKind.Launching);

        outcome.Should().Be(WorkOutcome.Retry("another replica is working on this instance", rig.Pipeline.LockedRetryDelay));
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_StoreUnavailable_RetryWithTheBackoffWithoutACall()
    {
        using var leases = new ScriptedLeases { Unavailable = new CoordinationStoreException("unreachable", isTransient: true) };
        await using var rig = new ProvisioningRig(leases: leases);

        var outcome = await RunAsync(rig, LifecycleEventKind.Launching);

        outcome.Should().Be(WorkOutcome.Retry("coordination store: unreachable"));
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_LeaseLostWhileWorking_RetryAfterTheLockedRetryDelayNotReleased()
    {
        using var leases = new ScriptedLeases();
        await using var rig = new ProvisioningRig(leases: leases);
        rig.AcceptHangs(leases.LoseAll);

        var outcome = await RunAsync(rig, LifecycleEventKind.Launching);

        outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        outcome.Delay.Should().Be(rig.Pipeline.LockedRetryDelay);
    }

    [Fact]
    public async Task RunAsync_ShutdownWhileWorking_Released()
    {
        await using var rig = new ProvisioningRig();
        using var shutdown = new CancellationTokenSource();
        rig.AcceptHangs(shutdown.Cancel);

        (await RunAsync(rig, LifecycleEventKind.Launching, abortWork: shutdown.Token)).Disposition.Should().Be(MessageDisposition.Release);
    }

    [Fact]
    public async Task RunAsync_ShutdownWhileWorkingUnderALeaseThatCanBeLost_Released()
    {
        using var leases = new ScriptedLeases();
        await using var rig = new ProvisioningRig(leases: leases);
        using var shutdown = new CancellationTokenSource();
        rig.AcceptHangs(shutdown.Cancel);

        (await RunAsync(rig, LifecycleEventKind.Launching, abortWork: shutdown.Token)).Disposition.Should().Be(MessageDisposition.Release);
    }

    [Fact]
    public async Task RunAsync_ShutdownBeforeItsTurn_ReleasedWithoutACall()
    {
        await using var rig = new ProvisioningRig();
        using var shutdown = new CancellationTokenSource();
        await shutdown.CancelAsync();

        var outcome = await RunAsync(rig, LifecycleEventKind.Launching, abortWork: shutdown.Token);

        outcome.Should().Be(WorkOutcome.Released("not started: shutting down"));
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_TwoForOneInstance_SecondStartsAfterTheFirstEnded()
    {
        await using var rig = new ProvisioningRig();
        var highstate = new TaskCompletionSource<StateRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Salt.Highstate = (_, _) => highstate.Task;
        var launch = RunAsync(rig, LifecycleEventKind.Launching);
        await rig.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion}"));

        var terminated = RunAsync(rig, LifecycleEventKind.Terminated, messageId: "msg-2");
        highstate.SetResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));
        await Task.WhenAll(launch, terminated);

        rig.Log.All.Should().ContainInOrder($"complete {ProvisioningRig.InstanceId(1)} Continue {ProvisioningRig.Token(1)}", $"delete {Minion}");
    }

    [Fact]
    public async Task RunAsync_TwoInstances_SecondDoesNotWaitForTheFirst()
    {
        await using var rig = new ProvisioningRig();
        var highstate = new TaskCompletionSource<StateRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Salt.Highstate = (_, _) => highstate.Task;
        var first = RunAsync(rig, LifecycleEventKind.Launching);
        await rig.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion}"));

        (await RunAsync(rig, LifecycleEventKind.Terminated, n: 2)).Result.Should().Be("key deleted");

        first.IsCompleted.Should().BeFalse();
        highstate.SetResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));
        await first;
    }

    [Fact]
    public async Task RunAsync_Finished_OnTheBoardWithItsResult()
    {
        await using var rig = new ProvisioningRig();

        await RunAsync(rig, LifecycleEventKind.Launching);

        rig.Get<WorkBoard>().Recent.Should().ContainSingle().Which.Should().BeEquivalentTo(new { InstanceId = ProvisioningRig.InstanceId(1), Result = "CONTINUE" });
    }

    [Fact]
    public async Task ResumeAsync_GroupNoLongerServed_NotResumableLeftToItsMessage()
    {
        await using var rig = new ProvisioningRig(bridge: new BridgeOptions { Groups = { "db" } });
        var record = new ProvisioningRecord(Minion, ProvisioningRig.InstanceId(1), ProvisioningRig.Group, null, rig.Time.GetUtcNow())
        {
            InProgress = new ActionInProgress(LifecycleEventKind.Launching, ProvisioningRig.LaunchHook, "key", rig.Time.GetUtcNow(), Replica: "replica-0"),
        };

        var outcome = await rig.Get<InstanceTurns>().ResumeAsync(record, Ct);

        outcome.Should().BeEquivalentTo(new { Disposition = MessageDisposition.RetryLater, Result = InstanceTurns.NotResumable });
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task ResumeAsync_NothingInProgress_DoneWithoutACall()
    {
        await using var rig = new ProvisioningRig();
        var record = new ProvisioningRecord(Minion, ProvisioningRig.InstanceId(1), ProvisioningRig.Group, null, rig.Time.GetUtcNow());

        (await rig.Get<InstanceTurns>().ResumeAsync(record, Ct)).Disposition.Should().Be(MessageDisposition.Delete);
        rig.Log.All.Should().BeEmpty();
    }
}
