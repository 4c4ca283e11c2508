using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Hosting;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.AutoScaling;
using SaltApiBridge.Tests.Provisioning;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Lifecycle actions in progress whose replica is gone, resumed from their records without their messages.</summary>
public sealed class UnattendedActionsTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("saltapibridge-unattended-");
    private readonly TaskCompletionSource<StateRunResult> highstate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => directory.Delete(recursive: true);

    private readonly ScriptedRecords records;

    public UnattendedActionsTests() => records = new ScriptedRecords(new FileProvisioningRecords(directory.FullName));

    private ProvisioningRig Rig(int maxInFlight = 32, BridgeOptions? bridge = null, IAwsCredentialsSource? credentials = null) =>
        new(records: records, pipeline: p => p.MaxInFlight = maxInFlight, bridge: bridge, credentials: credentials);

    /// <summary>Instance <paramref name="n"/>'s launch, left by replica-0 with its highstate running (until the test ends it).</summary>
    private async Task<ProvisioningRecord> LeftInProgressAsync(ProvisioningRig rig, int n = 1)
    {
        var key = ProvisioningRecord.KeyOf(ProvisioningRig.Token(n));
        var since = rig.Time.GetUtcNow().AddMinutes(-5 + n);
        var jid = $"2026120611000000000{n}";
        rig.Salt.SetKey(ProvisioningRig.MinionId(n), MinionKeyState.Accepted);
        rig.Salt.AddJob(jid, highstate.Task);
        return await rig.Records.SaveAsync(
            new ProvisioningRecord(ProvisioningRig.MinionId(n), ProvisioningRig.InstanceId(n), ProvisioningRig.Group, key, since, HighstateJid: jid)
            {
                InProgress = new ActionInProgress(LifecycleEventKind.Launching, ProvisioningRig.LaunchHook, key, since, Replica: "replica-0"),
            },
            Ct);
    }

    private static int TakeoversSaid(ProvisioningRig rig) => rig.Logs.Lines.Count(l => l.Contains("Taking over Launching", StringComparison.Ordinal));

    private async Task FinishTakeoversAsync(ProvisioningRig rig)
    {
        highstate.TrySetResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));
        await rig.Log.WaitUntilAsync(_ => rig.Get<UnattendedActions>().Resuming == 0);
    }

    [Fact]
    public async Task LookAsync_StillBeingResumedWhenSeenAgain_ResumedOnce()
    {
        await using var rig = Rig();
        await LeftInProgressAsync(rig);
        var unattended = rig.Get<UnattendedActions>();
        await unattended.LookAsync(Ct, Ct);

        await unattended.LookAsync(Ct, Ct);
        await FinishTakeoversAsync(rig);

        TakeoversSaid(rig).Should().Be(1);
        rig.Log.Matching("complete").Should().HaveCount(1);
    }

    [Fact]
    public async Task LookAsync_MoreUnattendedThanMaxInFlight_ResumesOnlyThatMany()
    {
        await using var rig = Rig(maxInFlight: 2);
        for (var n = 1; n <= 3; n++)
            await LeftInProgressAsync(rig, n);
        var unattended = rig.Get<UnattendedActions>();

        await unattended.LookAsync(Ct, Ct);

        unattended.Resuming.Should().Be(2);
        await FinishTakeoversAsync(rig);
    }

    [Fact]
    public async Task LookAsync_SomeBeingResumed_AsksOnlyForTheRoomLeft()
    {
        await using var rig = Rig(maxInFlight: 2);
        await LeftInProgressAsync(rig);
        var unattended = rig.Get<UnattendedActions>();
        await unattended.LookAsync(Ct, Ct);

        await unattended.LookAsync(Ct, Ct);

        records.UnattendedLimits.Should().Equal(2, 1);
        await FinishTakeoversAsync(rig);
    }

    [Fact]
    public async Task LookAsync_NoRoomLeft_AsksForNothing()
    {
        await using var rig = Rig(maxInFlight: 1);
        await LeftInProgressAsync(rig);
        var unattended = rig.Get<UnattendedActions>();
        await unattended.LookAsync(Ct, Ct);

        await unattended.LookAsync(Ct, Ct);

        records.UnattendedLimits.Should().Equal(1);
        await FinishTakeoversAsync(rig);
    }

    [Fact]
    public async Task LookAsync_NotResumable_SaidOncePerVersionOfItsRecord()
    {
        await using var rig = Rig(bridge: new BridgeOptions { Groups = { "db" } });
        var record = await LeftInProgressAsync(rig);
        var unattended = rig.Get<UnattendedActions>();
        int Said() => rig.Logs.Lines.Count(l => l.Contains("Cannot take over", StringComparison.Ordinal));
        await unattended.LookAsync(Ct, Ct);
        await FinishTakeoversAsync(rig);
        await unattended.LookAsync(Ct, Ct);
        await FinishTakeoversAsync(rig);
        var saidForTheFirstVersion = Said();

        await rig.Records.SaveAsync(record with { HighstateJid = null }, Ct);
        await unattended.LookAsync(Ct, Ct);
        await FinishTakeoversAsync(rig);

        (saidForTheFirstVersion, Said()).Should().Be((1, 2));
    }

    [Fact]
    public async Task ExecuteAsync_StartUpChecksPassed_ResumesTheUnattendedAtOnce()
    {
        await using var rig = Rig();
        await LeftInProgressAsync(rig);
        highstate.SetResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));
        await rig.Get<StartupChecks>().StartAsync(Ct);
        var unattended = rig.Get<UnattendedActions>();

        await unattended.StartAsync(Ct);
        await unattended.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        TakeoversSaid(rig).Should().Be(1);
    }

    [Fact]
    public async Task ExecuteAsync_StartUpChecksFailed_ResumesNothing()
    {
        var refused = new StaticCredentialsSource(null, new AutoScalingException("no credentials in any source", isTransient: false));
        await using var rig = Rig(credentials: refused);
        await LeftInProgressAsync(rig);
        highstate.SetResult(new StateRunResult(StateRunStatus.Succeeded, null, [], null));
        await rig.Get<StartupChecks>().StartAsync(Ct);
        var unattended = rig.Get<UnattendedActions>();

        await unattended.StartAsync(Ct);
        await unattended.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        TakeoversSaid(rig).Should().Be(0);
        rig.Log.All.Should().BeEmpty();
    }
}
