using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>Dispatches a plan by kind and turns every failure into a disposition, never an exception.</summary>
public sealed class InstanceWorkHandlerTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static readonly string Instance = ProvisioningRig.InstanceId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<WorkOutcome> HandleAsync(ProvisioningRig rig, LifecycleEventKind kind, CancellationToken? cancellationToken = null) =>
        rig.Get<InstanceWorkHandler>().HandleAsync(rig.Plan(kind), new WorkRequest("msg-1"), cancellationToken ?? Ct);

    [Fact]
    public async Task HandleAsync_Launching_AcceptsHighstatesAndCompletes()
    {
        await using var rig = new ProvisioningRig();

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Result.Should().Be("CONTINUE");
        rig.Log.All.Should().ContainInOrder($"accept {Minion}", $"highstate {Minion}", $"complete {Instance} Continue {ProvisioningRig.Token(1)}");
    }

    [Fact]
    public async Task HandleAsync_Terminating_CleansAndCompletes()
    {
        await using var rig = new ProvisioningRig();

        var outcome = await HandleAsync(rig, LifecycleEventKind.Terminating);

        outcome.Result.Should().Be("CONTINUE");
        rig.Log.All.Should().ContainInOrder($"sls clean {Minion}", $"complete {Instance} Continue {ProvisioningRig.Token(1)}");
    }

    [Fact]
    public async Task HandleAsync_Terminated_DeletesTheKey()
    {
        await using var rig = new ProvisioningRig();

        var outcome = await HandleAsync(rig, LifecycleEventKind.Terminated);

        outcome.Result.Should().Be("key deleted");
        rig.Log.All.Should().Contain($"delete {Minion}");
    }

    [Fact]
    public async Task HandleAsync_InformationalKind_AcknowledgedWithoutACall()
    {
        await using var rig = new ProvisioningRig();

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launched);

        outcome.Should().Be(WorkOutcome.Done("acknowledged", "Launched is informational: nothing to do"));
        rig.Log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task HandleAsync_SaltApiFails_RetryLater()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.IsDown = true;

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        outcome.Summary.Should().StartWith("salt-api: ");
    }

    [Fact]
    public async Task HandleAsync_RecordChangedByAnotherReplica_RetryAfterTheLockedRetryDelay()
    {
        var records = new ScriptedRecords { SaveFailure = r => new RecordConflictException(r.MinionId, r.Version) };
        await using var rig = new ProvisioningRig(records: records);

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Should().Be(WorkOutcome.Retry("the provisioning record changed under this replica", rig.Pipeline.LockedRetryDelay));
    }

    [Fact]
    public async Task HandleAsync_CoordinationStoreFails_RetryLaterWithTheBackoff()
    {
        var records = new ScriptedRecords { GetFailure = _ => new CoordinationStoreException("throttled", isTransient: true) };
        await using var rig = new ProvisioningRig(records: records);

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Should().Be(WorkOutcome.Retry("coordination store: throttled"));
    }

    [Fact]
    public async Task HandleAsync_AutoScalingFails_RetryLater()
    {
        await using var rig = new ProvisioningRig();
        rig.Actions.Complete = _ => throw new AutoScalingException("Rate exceeded", isTransient: true, "Throttling");

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Should().Be(WorkOutcome.Retry("Auto Scaling: Rate exceeded"));
    }

    [Fact]
    public async Task HandleAsync_CancelledByTheCaller_Released()
    {
        await using var rig = new ProvisioningRig();
        using var shutdown = new CancellationTokenSource();
        rig.AcceptHangs(shutdown.Cancel);

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching, shutdown.Token);

        outcome.Disposition.Should().Be(MessageDisposition.Release);
    }

    [Fact]
    public async Task HandleAsync_CancellationNotAskedByTheCaller_RetryLaterNotReleased()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.Accept = (_, _) => throw new OperationCanceledException("an HTTP client's own timeout");

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
    }

    [Fact]
    public async Task HandleAsync_UnexpectedException_RetryLaterWithACriticalLine()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.Accept = (_, _) => throw new InvalidOperationException("a bug");

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Should().Be(WorkOutcome.Retry("unexpected error: a bug"));
        rig.Logs.Lines.Should().ContainSingle(l => l.StartsWith("Critical", StringComparison.Ordinal))
            .Which.Should().Contain($"Unexpected failure for {Instance} as {Minion}").And.Contain("a bug");
    }

    [Fact]
    public async Task HandleAsync_Done_ClearsTheRecordsActionInProgress()
    {
        await using var rig = new ProvisioningRig();

        await HandleAsync(rig, LifecycleEventKind.Launching);

        (await rig.Records.GetAsync(Minion, Ct))!.InProgress.Should().BeNull();
    }

    [Fact]
    public async Task HandleAsync_RetryLater_KeepsTheRecordsActionInProgress()
    {
        await using var rig = new ProvisioningRig(pipeline: p => p.FailurePolicy = FailurePolicy.LeaveForRedrive);
        rig.Salt.Highstate = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Failed, null, [], "boom"));

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Disposition.Should().Be(MessageDisposition.RetryLater, "a failed highstate is left for redrive");
        (await rig.Records.GetAsync(Minion, Ct))!.InProgress.Should().NotBeNull("a takeover can resume it");
    }

    [Fact]
    public async Task HandleAsync_DoneButTheFinishCannotBeWritten_DoneStands()
    {
        var records = new ScriptedRecords { SaveFailure = r => r.InProgress is null ? new CoordinationStoreException("unreachable", isTransient: true) : null };
        await using var rig = new ProvisioningRig(records: records);

        var outcome = await HandleAsync(rig, LifecycleEventKind.Launching);

        outcome.Result.Should().Be("CONTINUE");
    }
}
