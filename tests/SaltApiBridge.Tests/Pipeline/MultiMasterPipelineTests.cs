using SaltApiBridge.Cli;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>
/// One bridge, several masters (issue 19), through the real pipeline, gate and handler over fake masters: "local" is
/// the first, "m2" the second; a call on m2 is logged as "m2: …".
/// </summary>
public sealed class MultiMasterPipelineTests : IDisposable
{
    private const string Group = "web";
    private const string Token = "00000000-0000-4000-8000-000000000019";
    private static readonly string Instance = $"i-{19:x17}";
    private static readonly string Minion = $"{Group}-{Instance}";
    private readonly string directory = Path.Combine(Path.GetTempPath(), "saltapibridge-mm-" + Guid.NewGuid().ToString("N"));

    private static string Launch() => SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", Token);

    private static string Terminating() => SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_TERMINATING", Group, Instance, "cleanup", Token);

    private static string Terminated() => SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, Instance);

    public void Dispose()
    {
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    /// <summary>The calls of one kind on any master ("accept …", "m2: accept …").</summary>
    private static IReadOnlyList<string> Calls(PipelineHarness harness, string verb) =>
        [.. harness.Log.All.Where(c => c.StartsWith(verb + " ", StringComparison.Ordinal) || (c.StartsWith('m') && c.Contains(": " + verb + " ", StringComparison.Ordinal)))];

    [Fact]
    public async Task RunAsync_LaunchOnTwoHotMasters_AcceptsOnBothAndRunsOneHighstateThroughTheFirst()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        Calls(harness, "finger").Should().BeEquivalentTo([$"finger {Minion}", $"m2: finger {Minion}"]);
        Calls(harness, "accept").Should().BeEquivalentTo([$"accept {Minion}", $"m2: accept {Minion}"]);
        harness.Salt.StartedRuns.Should().ContainSingle(r => r.Function == "state.highstate");
        harness.Others[0].StartedRuns.Should().BeEmpty("the highstate goes through one master only");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
        var record = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        record!.JobMaster.Should().Be("local");
        record.KeyFingerprint.Should().Be(FakeSaltMaster.FingerprintOf(Minion));
        record.OwedAccepts.Should().BeNull();
        harness.Log.Matching("event saltapibridge/provisioned").Should().Equal($"event saltapibridge/provisioned {Minion}");
    }

    [Fact]
    public async Task RunAsync_FingerprintDiffersOnOneMaster_RefusesAcceptsNothingAndAbandons()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Others[0].Fingerprints[Minion] = "66:6f:72:65:69:67:6e";
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        Calls(harness, "accept").Should().BeEmpty("one of the two keys is not this minion's");
        harness.Log.Matching("highstate").Should().BeEmpty();
        harness.Log.Matching("event saltapibridge/refused").Should().ContainSingle();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Abandon {Token}");
        harness.Settled.Single().Outcome.Summary.Should().Contain("not the same on every master").And.Contain("66:6f:72:65:69:67:6e");
    }

    [Fact]
    public async Task RunAsync_KeyDeniedOnOneMaster_RefusesNamingThatMaster()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Others[0].SetKey(Minion, MinionKeyState.Denied);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        Calls(harness, "accept").Should().BeEmpty();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Abandon {Token}");
        harness.Settled.Single().Outcome.Summary.Should().Contain("denied on master m2");
    }

    [Fact]
    public async Task RunAsync_MasterDownAtAcceptUnderWait_AcceptsNothingAndAbandonsAtTheDeadline()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Others[0].IsDown = true;
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1, TimeSpan.FromSeconds(20));

        Calls(harness, "accept").Should().BeEmpty("under Wait a key is accepted on every master or on none");
        harness.Log.Matching("highstate").Should().BeEmpty();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Abandon {Token}");
        harness.Settled.Single().Outcome.Summary.Should().Contain("could not be accepted on every master").And.Contain("m2:");
    }

    [Fact]
    public async Task RunAsync_MasterBackBeforeTheDeadlineUnderWait_AcceptsOnBoth()
    {
        await using var harness = new PipelineHarness(masters: 2, salt: s => s.MasterDownTimeout = TimeSpan.FromSeconds(30));
        harness.Others[0].IsDown = true;
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.Log.WaitUntilAsync(calls => calls.Any(c => c.StartsWith("heartbeat", StringComparison.Ordinal)));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        harness.Others[0].IsDown = false;
        await harness.WaitForSettledAsync(1, TimeSpan.FromSeconds(20));

        Calls(harness, "accept").Should().BeEquivalentTo([$"accept {Minion}", $"m2: accept {Minion}"]);
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_MasterDownAtAcceptUnderProceed_ContinuesRecordsTheOwedAcceptAndSettlesItWhenBack()
    {
        await using var harness = new PipelineHarness(masters: 2, salt: s => s.MasterDown = MasterDownPolicy.Proceed, records: new FileProvisioningRecords(directory));
        harness.Others[0].IsDown = true;
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        Calls(harness, "accept").Should().Equal($"accept {Minion}");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
        var record = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        record!.OwedAccepts.Should().Equal("m2");

        await harness.OwedWork().RunOnceAsync(TestContext.Current.CancellationToken);
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.OwedAccepts.Should().Equal(["m2"], "m2 is still down");

        harness.Others[0].IsDown = false;
        await harness.OwedWork().RunOnceAsync(TestContext.Current.CancellationToken);

        Calls(harness, "accept").Where(c => c.StartsWith("m2:", StringComparison.Ordinal)).Should().Equal($"m2: accept {Minion}");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.OwedAccepts.Should().BeNull();
    }

    [Fact]
    public async Task RunOnceAsync_OwedAcceptFindsAnotherKey_DropsItWithoutAccepting()
    {
        await using var harness = new PipelineHarness(masters: 2, salt: s => s.MasterDown = MasterDownPolicy.Proceed, records: new FileProvisioningRecords(directory));
        harness.Others[0].IsDown = true;
        harness.Queue.Send(Launch());
        harness.Start();
        await harness.WaitForSettledAsync(1);

        harness.Others[0].IsDown = false;
        harness.Others[0].Fingerprints[Minion] = "66:6f:72:65:69:67:6e";
        await harness.OwedWork().RunOnceAsync(TestContext.Current.CancellationToken);

        Calls(harness, "accept").Where(c => c.StartsWith("m2:", StringComparison.Ordinal)).Should().BeEmpty("a key with another fingerprint is not this minion's");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.OwedAccepts.Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_EveryMasterDown_RetriesAndNeverCompletes()
    {
        await using var harness = new PipelineHarness(masters: 2, salt: s => s.MasterDown = MasterDownPolicy.Proceed);
        harness.Salt.IsDown = true;
        harness.Others[0].IsDown = true;
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Settled.First().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        harness.Log.Matching("complete").Should().BeEmpty("an instance no master accepted is never let into service");
    }

    [Fact]
    public async Task RunAsync_TerminatedWithAMasterDown_DeletesOnTheOtherAndSettlesTheOwedDeleteWhenBack()
    {
        await using var harness = new PipelineHarness(masters: 2, records: new FileProvisioningRecords(directory));
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Others[0].SetKey(Minion, MinionKeyState.Accepted);
        harness.Others[0].IsDown = true;
        harness.Queue.Send(Terminated());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Settled.Single().Outcome.Disposition.Should().Be(MessageDisposition.Delete, "the owed delete is durable in the record");
        Calls(harness, "delete").Should().Equal($"delete {Minion}");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.OwedDeletes.Should().Equal("m2");

        harness.Others[0].IsDown = false;
        await harness.OwedWork().RunOnceAsync(TestContext.Current.CancellationToken);

        Calls(harness, "delete").Should().Equal($"delete {Minion}", $"m2: delete {Minion}");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken)).Should().BeNull("every master deleted the key");
        (await harness.Others[0].GetKeyStateAsync(Minion, TestContext.Current.CancellationToken)).Should().Be(MinionKeyState.Pending, "the fake's unknown ids read as pending: the accepted key is gone");
    }

    [Fact]
    public async Task RunAsync_TerminatedWithAMasterDownAndNoDurableRecords_KeepsTheMessage()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Others[0].IsDown = true;
        harness.Queue.Send(Terminated());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Settled.First().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        harness.Settled.First().Outcome.Summary.Should().Contain("not on m2");
    }

    [Fact]
    public async Task RunAsync_TerminatedOnTwoMasters_DeletesOnBoth()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Queue.Send(Terminated());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        Calls(harness, "delete").Should().BeEquivalentTo([$"delete {Minion}", $"m2: delete {Minion}"]);
        harness.Settled.Single().Outcome.Disposition.Should().Be(MessageDisposition.Delete);
    }

    [Fact]
    public async Task RunAsync_TerminatingOnTwoMasters_CleansThroughOneMaster()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Others[0].SetKey(Minion, MinionKeyState.Accepted);
        harness.Queue.Send(Terminating());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("sls ").Should().Equal($"sls clean {Minion}");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_TerminatingWithTheFirstMasterDown_CleansThroughTheOther()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Salt.IsDown = true;
        harness.Others[0].SetKey(Minion, MinionKeyState.Accepted);
        harness.Queue.Send(Terminating());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("sls ").Should().Equal($"m2: sls clean {Minion}");
        harness.Log.Matching("event saltapibridge/cleaned").Should().Equal([$"m2: event saltapibridge/cleaned {Minion}"], "the event goes through the master that answers");
    }

    [Fact]
    public async Task RunAsync_Failover_AcceptsWhereTheKeyIsPendingAndRunsTheHighstateThere()
    {
        await using var harness = new PipelineHarness(masters: 2, topology: SaltTopology.Failover);
        harness.Salt.NewKeys = MinionKeyState.Absent;
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        Calls(harness, "accept").Should().Equal($"m2: accept {Minion}");
        harness.Others[0].StartedRuns.Should().ContainSingle(r => r.Function == "state.highstate");
        harness.Salt.StartedRuns.Should().BeEmpty();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.JobMaster.Should().Be("m2");
    }

    [Fact]
    public async Task RunAsync_SharedPki_AcceptsOnceAndConfirmsFromEveryMaster()
    {
        await using var harness = new PipelineHarness(masters: 2, topology: SaltTopology.SharedPki);
        var m2 = harness.Others[0];
        // The masters share pki/master/minions*: what one accepts, the other sees accepted.
        harness.Salt.Accept = (id, _) =>
        {
            m2.SetKey(id, MinionKeyState.Accepted);
            return Task.FromResult(KeyAcceptOutcome.Accepted);
        };
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        Calls(harness, "accept").Should().Equal($"accept {Minion}");
        Calls(harness, "finger").Where(c => c.StartsWith("m2:", StringComparison.Ordinal)).Should().HaveCount(2, "once to look, once to confirm");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_SharedPkiNotShared_AbandonsUnderWait()
    {
        await using var harness = new PipelineHarness(masters: 2, topology: SaltTopology.SharedPki);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Abandon {Token}");
        harness.Settled.Single().Outcome.Summary.Should().Contain("does not see the key accepted");
    }

    [Fact]
    public async Task RunAsync_AcceptFailsOnOneMasterUnderWait_TakesBackTheOtherAcceptAndAbandons()
    {
        await using var harness = new PipelineHarness(masters: 2);
        harness.Others[0].Accept = (_, _) => throw new SaltApiException("wheel key.accept_dict: salt-api did not answer in time", isTransient: true);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1, TimeSpan.FromSeconds(20));

        Calls(harness, "delete").Should().Equal([$"delete {Minion}"], "every master or none: the first master's accept is taken back");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Abandon {Token}");
        harness.Salt.StartedRuns.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_FailoverWithAnOlderAcceptedEntryElsewhere_AcceptsWhereTheKeyIsPendingAndRunsThere()
    {
        await using var harness = new PipelineHarness(masters: 2, topology: SaltTopology.Failover);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        Calls(harness, "accept").Should().Equal($"m2: accept {Minion}");
        harness.Others[0].StartedRuns.Should().ContainSingle(r => r.Function == "state.highstate", "the minion is connected where its key was pending");
        harness.Salt.StartedRuns.Should().BeEmpty();
    }

    [Fact]
    public async Task RunOnceAsync_RecordLockedByThePipeline_LeavesItForNextTime()
    {
        await using var harness = new PipelineHarness(masters: 2, records: new FileProvisioningRecords(directory));
        await harness.Records.SaveAsync(
            new ProvisioningRecord(Minion, Instance, Group, null, DateTimeOffset.UtcNow, OwedDeletes: ["m2"]), TestContext.Current.CancellationToken);
        var locks = new FileLeases(Path.Combine(directory, "locks"));

        await using (await locks.TryAcquireAsync(LeaseKey.Instance(Minion), TestContext.Current.CancellationToken))
            await harness.OwedWork(locks).RunOnceAsync(TestContext.Current.CancellationToken);

        Calls(harness, "delete").Should().BeEmpty("the pipeline holds the instance");
        await harness.OwedWork(locks).RunOnceAsync(TestContext.Current.CancellationToken);
        Calls(harness, "delete").Should().Equal($"m2: delete {Minion}");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken)).Should().BeNull();
    }

    [Fact]
    public async Task RunOnceAsync_AnotherReplicaSettlesOwedWork_TouchesNothing()
    {
        await using var harness = new PipelineHarness(masters: 2, records: new FileProvisioningRecords(directory));
        await harness.Records.SaveAsync(
            new ProvisioningRecord(Minion, Instance, Group, null, DateTimeOffset.UtcNow, OwedDeletes: ["m2"]), TestContext.Current.CancellationToken);
        var leases = new ProcessLeases();

        await using (await leases.TryAcquireAsync(LeaseKey.OwedKeyWork, TestContext.Current.CancellationToken))
            await harness.OwedWork(leases).RunOnceAsync(TestContext.Current.CancellationToken);

        Calls(harness, "delete").Should().BeEmpty("the replica holding the owed-key-work lease settles it");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.OwedDeletes.Should().Equal("m2");
    }

    [Fact]
    public async Task LookAsync_LaunchWhoseJobMasterDiedWithItsReplica_RunsItOnceMoreThroughTheLiveMasterAndSaysSo()
    {
        using var logs = new CapturedLogs();
        const string Jid = "20261206120000000001";
        await using var harness = new PipelineHarness(
            masters: 2, logs: logs, records: new FileProvisioningRecords(directory),
            salt: s => { s.MasterDown = MasterDownPolicy.Proceed; s.MasterDownTimeout = TimeSpan.FromMilliseconds(300); });
        await harness.Records.SaveAsync(new ProvisioningRecord(
            Minion, Instance, Group, ProvisioningRecord.KeyOf(Token), DateTimeOffset.UtcNow.AddMinutes(-2), HighstateJid: Jid, JobMaster: "local",
            KeyFingerprint: FakeSaltMaster.FingerprintOf(Minion),
            InProgress: new ActionInProgress(LifecycleEventKind.Launching, "provision", ProvisioningRecord.KeyOf(Token), DateTimeOffset.UtcNow.AddMinutes(-2), Replica: "replica-0")), TestContext.Current.CancellationToken);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Others[0].SetKey(Minion, MinionKeyState.Accepted);
        harness.Salt.IsDown = true;

        await harness.Unattended.LookAsync(TestContext.Current.CancellationToken, TestContext.Current.CancellationToken);
        await harness.Log.WaitUntilAsync(_ => harness.Unattended.Resuming == 0);

        harness.Others[0].StartedRuns.Should().ContainSingle(r => r.Function == "state.highstate", "the job's verdict could not be seen on the dead master");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue ");
        logs.Lines.Should().ContainSingle(l => l.Contains("a second run may follow", StringComparison.Ordinal));
        var record = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        record!.JobMaster.Should().Be("m2");
        record.ProvisionedJid.Should().Be(harness.Others[0].StartedRuns.Single().Jid);
    }
}
