using SaltApiBridge.Lifecycle;
using SaltApiBridge.Provisioning.Gate;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Pipeline;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Provisioning.Gate;

/// <summary>The trust gate with two masters: the key judged on each, as the topology and SaltApi:MasterDown say.</summary>
public sealed class AcceptGateSeveralMastersTests
{
    private static readonly string Minion = ProvisioningRig.MinionId(1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<GateOutcome> PassAsync(ProvisioningRig rig) =>
        rig.Get<AcceptGate>().PassAsync(rig.Plan(LifecycleEventKind.Launching).Event, Minion, Ct);

    /// <summary>Moves the fake clock while the gate waits for a master (up to SaltApi:MasterDownTimeout and a little).</summary>
    private static Task<GateOutcome> PassWhileTimePassesAsync(ProvisioningRig rig) =>
        rig.Time.AdvanceUntilCompleteAsync(PassAsync(rig), TimeSpan.FromSeconds(1));

    private static ProvisioningRig Rig(SaltTopology topology = SaltTopology.Hot, MasterDownPolicy down = MasterDownPolicy.Wait) =>
        new(masters: 2, topology: topology, salt: s => s.MasterDown = down);

    [Fact]
    public async Task PassAsync_HotPendingOnBothWithOneFingerprint_AcceptedOnBothJobsThroughTheFirst()
    {
        await using var rig = Rig();

        var outcome = await PassAsync(rig);

        outcome.Should().BeEquivalentTo(new { Verdict = GateVerdict.Accepted, JobMaster = "local", Fingerprint = FakeSaltMaster.FingerprintOf(Minion), OwedAccepts = Array.Empty<string>() });
        rig.Log.All.Should().Contain([$"accept {Minion}", $"m2: accept {Minion}"]);
    }

    [Fact]
    public async Task PassAsync_HotAcceptedOnBoth_AlreadyAcceptedWithoutAnAccept()
    {
        await using var rig = Rig();
        rig.Salt.SetKey(Minion, MinionKeyState.Accepted);
        rig.Others[0].SetKey(Minion, MinionKeyState.Accepted);

        (await PassAsync(rig)).Verdict.Should().Be(GateVerdict.AlreadyAccepted);
        rig.Log.Matching("accept").Should().BeEmpty();
    }

    [Fact]
    public async Task PassAsync_HotFingerprintsDiffer_RefusedNothingAccepted()
    {
        await using var rig = Rig();
        rig.Others[0].Fingerprints[Minion] = "aa:bb:cc";

        (await PassAsync(rig)).Reason.Should().Be(AcceptGate.FingerprintMismatch);
        rig.Log.Matching("accept").Should().BeEmpty();
    }

    [Fact]
    public async Task PassAsync_HotDeniedOnOne_RefusedKeyDeniedNamingThatMaster()
    {
        await using var rig = Rig();
        rig.Others[0].SetKey(Minion, MinionKeyState.Denied);

        var outcome = await PassAsync(rig);

        outcome.Reason.Should().Be(AcceptGate.KeyDenied);
        outcome.Detail.Should().Contain("denied on master m2");
    }

    [Fact]
    public async Task PassAsync_NoKeyOnAnyMaster_NoKey()
    {
        await using var rig = Rig();
        rig.Salt.NewKeys = MinionKeyState.Absent;
        rig.Others[0].NewKeys = MinionKeyState.Absent;

        (await PassAsync(rig)).Verdict.Should().Be(GateVerdict.NoKey);
    }

    [Fact]
    public async Task PassAsync_NoMasterAnswers_ThrowsASaltApiFailure()
    {
        await using var rig = Rig();
        rig.Salt.IsDown = true;
        rig.Others[0].IsDown = true;

        Func<Task> pass = () => PassWhileTimePassesAsync(rig);

        await pass.Should().ThrowAsync<SaltApiException>().WithMessage("no master answered*");
    }

    [Fact]
    public async Task PassAsync_HotOneMasterDownUnderWait_RefusedMasterUnavailableNothingAccepted()
    {
        await using var rig = Rig();
        rig.Others[0].IsDown = true;

        var outcome = await PassWhileTimePassesAsync(rig);

        outcome.Should().BeEquivalentTo(new { Verdict = GateVerdict.Refused, Reason = AcceptGate.MasterUnavailable, InstanceConfirmed = true });
        rig.Log.Matching("accept").Should().BeEmpty();
    }

    [Fact]
    public async Task PassAsync_HotOneMasterDownUnderWait_AsksItUntilTheDeadline()
    {
        await using var rig = Rig();
        rig.Others[0].IsDown = true;
        var start = rig.Time.GetUtcNow();

        await PassWhileTimePassesAsync(rig);

        (rig.Time.GetUtcNow() - start).Should().BeGreaterThanOrEqualTo(rig.SaltOptions.MasterDownTimeout);
    }

    [Fact]
    public async Task PassAsync_HotOneMasterDownUnderProceed_AcceptedWithThatAcceptOwed()
    {
        await using var rig = Rig(down: MasterDownPolicy.Proceed);
        rig.Others[0].IsDown = true;

        var outcome = await PassAsync(rig);

        outcome.Should().BeEquivalentTo(new { Verdict = GateVerdict.Accepted, JobMaster = "local", OwedAccepts = new[] { "m2" } });
    }

    [Fact]
    public async Task PassAsync_HotAcceptRefusedOnOneUnderWait_TakesTheOtherAcceptBack()
    {
        await using var rig = Rig();
        rig.Others[0].Accept = (_, _) => throw new SaltApiException("wheel key.accept_dict is not permitted", isTransient: false);

        var outcome = await PassAsync(rig);

        outcome.Reason.Should().Be(AcceptGate.MasterUnavailable);
        rig.Log.All.Should().ContainInOrder($"accept {Minion}", $"delete {Minion}");
    }

    [Fact]
    public async Task PassAsync_SharedPki_AcceptedOnceAndConfirmedOnTheOther()
    {
        await using var rig = Rig(SaltTopology.SharedPki);
        // One pki directory: what the first master accepts, the second holds accepted.
        rig.Salt.Accept = (id, _) =>
        {
            rig.Others[0].SetKey(id, MinionKeyState.Accepted);
            return Task.FromResult(KeyAcceptOutcome.Accepted);
        };

        var outcome = await PassAsync(rig);

        outcome.Should().BeEquivalentTo(new { Verdict = GateVerdict.Accepted, OwedAccepts = Array.Empty<string>() });
        rig.Log.Matching("accept").Should().Equal($"accept {Minion}");
    }

    [Fact]
    public async Task PassAsync_SharedPkiNotReallyShared_RefusedMasterUnavailableUnderWait()
    {
        await using var rig = Rig(SaltTopology.SharedPki);

        (await PassAsync(rig)).Reason.Should().Be(AcceptGate.MasterUnavailable);
    }

    [Fact]
    public async Task PassAsync_FailoverPendingOnTheSecond_AcceptedThereAndJobsGoThere()
    {
        await using var rig = Rig(SaltTopology.Failover);
        rig.Salt.NewKeys = MinionKeyState.Absent;

        var outcome = await PassAsync(rig);

        outcome.Should().BeEquivalentTo(new { Verdict = GateVerdict.Accepted, JobMaster = "m2" });
        rig.Log.Matching("accept").Should().Equal($"m2: accept {Minion}");
    }
}
