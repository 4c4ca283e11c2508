using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>A launch: the key through the gate, a highstate once per action, the completion.</summary>
public sealed class LaunchWorkTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static readonly string Instance = ProvisioningRig.InstanceId(1);
    private static readonly string? ActionKey = ProvisioningRecord.KeyOf(ProvisioningRig.Token(1));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<WorkOutcome> RunAsync(ProvisioningRig rig) =>
        rig.Get<LaunchWork>().RunAsync(rig.Work(rig.Plan(LifecycleEventKind.Launching)), Ct);

    private static ProvisioningRig GoldenImage()
    {
        var bridge = new BridgeOptions();
        bridge.GoldenImageGroups.Add(ProvisioningRig.Group);
        return new ProvisioningRig(bridge: bridge);
    }

    [Fact]
    public async Task RunAsync_GoldenImageGroup_CompletesContinueWithoutAHighstate()
    {
        await using var rig = GoldenImage();

        (await RunAsync(rig)).Result.Should().Be("CONTINUE");
        rig.Log.Matching("highstate").Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_GoldenImageGroup_RecordsTheAcceptAsItsProvisioning()
    {
        await using var rig = GoldenImage();

        await RunAsync(rig);

        (await rig.Records.GetAsync(Minion, Ct))!.ProvisionedAt.Should().Be(rig.Time.GetUtcNow());
    }

    [Fact]
    public async Task RunAsync_RefusedForAnInstanceNotWaitingForUs_DoneWithoutCompletingIt()
    {
        await using var rig = new ProvisioningRig();
        rig.Inventory.Set(Instance, ProvisioningRig.Group, AutoScalingInstance.InService);

        (await RunAsync(rig)).Result.Should().Be("refused");
        rig.Log.Matching("complete").Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_RefusedForAnInstanceThatWaits_CompletesWithTheFailureResult()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.SetKey(Minion, MinionKeyState.Rejected);

        (await RunAsync(rig)).Result.Should().Be("ABANDON");
    }

    [Fact]
    public async Task RunAsync_NoKeyInTime_CompletesWithTheFailureResult()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.NewKeys = MinionKeyState.Absent;

        (await RunAsync(rig)).Result.Should().Be("ABANDON");
    }

    [Fact]
    public async Task RunAsync_Redelivered_FiresNeitherLaunchingNorKeyAcceptedAgain()
    {
        await using var rig = new ProvisioningRig();
        rig.Salt.SetKey(Minion, MinionKeyState.Accepted);
        await rig.Records.SaveAsync(new ProvisioningRecord(Minion, Instance, ProvisioningRig.Group, ActionKey, rig.Time.GetUtcNow()), Ct);

        await RunAsync(rig);

        rig.Log.Matching("event").Should().Equal($"event saltapibridge/provisioned {Minion}");
    }

    [Fact]
    public async Task RunAsync_ProceedWithAMasterDown_RecordsTheOwedAcceptAndTheKey()
    {
        await using var rig = new ProvisioningRig(masters: 2, records: new ScriptedRecords(new InMemoryProvisioningRecords(), durable: true), salt: s => s.MasterDown = MasterDownPolicy.Proceed);
        rig.Others[0].IsDown = true;

        await RunAsync(rig);

        (await rig.Records.GetAsync(Minion, Ct)).Should().BeEquivalentTo(new
        {
            JobMaster = "local",
            OwedAccepts = new[] { "m2" },
            OwedSince = rig.Time.GetUtcNow(),
            KeyFingerprint = Pipeline.FakeSaltMaster.FingerprintOf(Minion),
        });
    }

    [Fact]
    public async Task RunAsync_RedeliveredOnTwoMasters_WaitsForTheRecordedJidThroughItsMaster()
    {
        const string jid = "20261206105500000001";
        await using var rig = new ProvisioningRig(masters: 2);
        rig.Salt.SetKey(Minion, MinionKeyState.Accepted);
        rig.Others[0].SetKey(Minion, MinionKeyState.Accepted);
        rig.Others[0].AddJob(jid, Task.FromResult(new StateRunResult(StateRunStatus.Succeeded, jid, [], null)));
        await rig.Records.SaveAsync(new ProvisioningRecord(Minion, Instance, ProvisioningRig.Group, ActionKey, rig.Time.GetUtcNow(), HighstateJid: jid, JobMaster: "m2"), Ct);

        await RunAsync(rig);

        rig.Log.Matching("highstate").Should().Equal($"m2: highstate-done {Minion}");
    }
}
