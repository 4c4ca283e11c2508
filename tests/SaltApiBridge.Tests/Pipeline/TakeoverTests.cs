using SaltApiBridge.Cli;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Actions left in progress by a replica that is gone, resumed from their records without their messages.</summary>
public sealed class TakeoverTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("saltapibridge-takeover-");

    private const string Group = "web";
    private const string Token = "00000000-0000-4000-8000-000000000007";
    private const string Jid = "20261206110000000001";
    private static readonly string Instance = $"i-{7:x17}";
    private static readonly string Minion = $"{Group}-{Instance}";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProvisioningRecord LeftInProgress(LifecycleEventKind kind, string hook) => new(
        Minion, Instance, Group, ProvisioningRecord.KeyOf(Token), DateTimeOffset.UtcNow.AddMinutes(-5),
        InProgress: new ActionInProgress(kind, hook, ProvisioningRecord.KeyOf(Token), DateTimeOffset.UtcNow.AddMinutes(-5), Replica: "replica-0"));

    public void Dispose() => directory.Delete(recursive: true);

    private FileProvisioningRecords Records() => new(directory.FullName);

    private static async Task WaitForTakeoversAsync(PipelineHarness harness)
    {
        await harness.Log.WaitUntilAsync(_ => harness.Unattended.Resuming == 0);
    }

    [Fact]
    public async Task LookAsync_LaunchWithItsHighstateRunning_WaitsForThatJidAndCompletesByInstanceId()
    {
        await using var harness = new PipelineHarness(records: Records());
        await harness.Records.SaveAsync(LeftInProgress(LifecycleEventKind.Launching, "provision") with { HighstateJid = Jid }, Ct);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Salt.AddJob(Jid, Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, Jid, [], null)));

        await harness.Unattended.LookAsync(Ct, Ct);
        await WaitForTakeoversAsync(harness);

        harness.Log.All[0].Should().Be($"heartbeat {Instance}", "a taken-over action gets a heartbeat before anything else");
        harness.Log.All.Where(c => !c.StartsWith("heartbeat", StringComparison.Ordinal)).Should().Equal(
            $"highstate-done {Minion}",
            $"event saltapibridge/provisioned {Minion}",
            $"complete {Instance} Continue ");
        harness.Salt.PublishedJids.Should().BeEmpty("the recorded highstate is waited for, never published again");
    }

    [Fact]
    public async Task LookAsync_LaunchTakenOver_RecordNoLongerInProgress()
    {
        await using var harness = new PipelineHarness(records: Records());
        await harness.Records.SaveAsync(LeftInProgress(LifecycleEventKind.Launching, "provision") with { HighstateJid = Jid }, Ct);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Salt.AddJob(Jid, Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, Jid, [], null)));

        await harness.Unattended.LookAsync(Ct, Ct);
        await WaitForTakeoversAsync(harness);

        var record = await harness.Records.GetAsync(Minion, Ct);
        record!.InProgress.Should().BeNull();
        record.ProvisionedJid.Should().Be(Jid);
    }

    [Fact]
    public async Task RunAsync_MessageOfAnActionTakenOver_DeletedAsFinishedWithoutACall()
    {
        await using var harness = new PipelineHarness(records: Records());
        await harness.Records.SaveAsync(LeftInProgress(LifecycleEventKind.Launching, "provision") with { HighstateJid = Jid }, Ct);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Salt.AddJob(Jid, Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, Jid, [], null)));
        await harness.Unattended.LookAsync(Ct, Ct);
        await WaitForTakeoversAsync(harness);
        var before = harness.Log.All.Count;

        harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", Token));
        harness.Start();
        await harness.WaitForSettledAsync(1);

        harness.Settled.Single().Outcome.Result.Should().Be("duplicate");
        harness.Log.All.Skip(before).Where(c => !c.StartsWith("sqs-", StringComparison.Ordinal)).Should().BeEmpty();
    }

    [Fact]
    public async Task LookAsync_TerminateWithItsCleanUpDone_CompletesWithoutCleaningAgain()
    {
        await using var harness = new PipelineHarness(records: Records());
        await harness.Records.SaveAsync(LeftInProgress(LifecycleEventKind.Terminating, "drain") with
        {
            CleanActionKey = ProvisioningRecord.KeyOf(Token), CleanJid = Jid, CleanMaster = "local",
        }, Ct);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Salt.AddJob(Jid, Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, Jid, [], null)));

        await harness.Unattended.LookAsync(Ct, Ct);
        await WaitForTakeoversAsync(harness);

        harness.Salt.StartedRuns.Should().BeEmpty();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue ");
    }

    [Fact]
    public async Task LookAsync_GroupNoLongerServed_NotResumedAndSaidOnce()
    {
        using var logs = new CapturedLogs();
        await using var harness = new PipelineHarness(records: Records(), bridge: new BridgeOptions { Groups = { "other" } }, logs: logs);
        await harness.Records.SaveAsync(LeftInProgress(LifecycleEventKind.Launching, "provision"), Ct);

        await harness.Unattended.LookAsync(Ct, Ct);
        await WaitForTakeoversAsync(harness);
        await harness.Unattended.LookAsync(Ct, Ct);
        await WaitForTakeoversAsync(harness);

        harness.Log.All.Should().BeEmpty();
        logs.Lines.Where(l => l.Contains("Cannot take over", StringComparison.Ordinal)).Should().ContainSingle();
    }

    [Fact]
    public async Task RunAsync_LaunchRunning_RecordInProgressOnThisReplica()
    {
        await using var harness = new PipelineHarness(records: Records());
        var release = new TaskCompletionSource();
        harness.Salt.Highstate = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", Token));
        harness.Start();
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion}"));

        var running = await harness.Records.GetAsync(Minion, Ct);
        release.SetResult();
        await harness.WaitForSettledAsync(1);

        running!.InProgress.Should().BeEquivalentTo(new { Kind = LifecycleEventKind.Launching, HookName = "provision", ActionKey = ProvisioningRecord.KeyOf(Token), Replica = "replica-1" });
        (await harness.Records.GetAsync(Minion, Ct))!.InProgress.Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_LeaseLostWhileTheHighstateRuns_StopsBeforeTheNextCallAndRetriesLater()
    {
        using var leases = new ScriptedLeases();
        await using var harness = new PipelineHarness(records: Records(), leases: leases);
        harness.Salt.Highstate = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", Token));
        harness.Start();
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion}"));

        leases.LoseAll();
        await harness.WaitForSettledAsync(1);

        var outcome = harness.Settled.Single().Outcome;
        outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        outcome.Delay.Should().Be(harness.Options.LockedRetryDelay);
        harness.Log.Matching("complete").Should().BeEmpty();
        harness.Log.Matching("provision").Should().BeEmpty("no step after the loss, not even the event");
    }

    [Fact]
    public async Task RunAsync_StoreUnavailable_RetriesWithoutAnyCall()
    {
        using var leases = new ScriptedLeases { Unavailable = new CoordinationStoreException("connection refused", isTransient: true) };
        await using var harness = new PipelineHarness(records: Records(), leases: leases);
        harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", Token));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Settled.Single().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        harness.Settled.Single().Outcome.Summary.Should().Contain("coordination store");
        harness.Log.All.Where(c => !c.StartsWith("sqs-", StringComparison.Ordinal)).Should().BeEmpty();
    }
}
