using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Reconcile;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Pipeline;

namespace SaltApiBridge.Tests.Reconcile;

/// <summary>
/// <see cref="FleetReconciler"/> over two masters, m1 and m2, each with its own keys and call log (hot/hot: a key
/// accepted on one is not accepted on the other).
/// </summary>
public sealed class MultiMasterReconcileTests
{
    private static readonly string Gone = $"web-{Instance(1)}";
    private static readonly string Live = $"web-{Instance(2)}";

    private readonly CallLog log1 = new();
    private readonly CallLog log2 = new();
    private readonly FakeSaltMaster m1;
    private readonly FakeSaltMaster m2;
    private readonly FakeAutoScalingInventory inventory = new();
    private readonly InMemoryProvisioningRecords records = new();

    public MultiMasterReconcileTests()
    {
        m1 = new FakeSaltMaster(log1);
        m2 = new FakeSaltMaster(log2);
        inventory.Set(Instance(1), null);
        inventory.Set(Instance(2), "web", "InService");
        foreach (var master in new[] { m1, m2 })
        {
            master.SetKey(Gone, MinionKeyState.Accepted);
            master.SetKey(Live, MinionKeyState.Accepted);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_OrphanAcceptedOnBothMastersWithApply_DeletesItOnEachAndCountsItOnce()
    {
        var report = await Reconciler(SaltTopology.Hot).RunAsync(apply: true, maxDeletions: 1, Ct);

        report.Refusal.Should().BeNull();
        report.Deleted.Should().Be(1);
        var orphan = report.Orphans.Should().ContainSingle().Subject;
        orphan.MinionId.Should().Be(Gone);
        orphan.Action.Should().Be(FleetReconciler.Deleted);
        orphan.Masters.Should().Equal(new MasterKey("m1", MinionKeyState.Accepted), new MasterKey("m2", MinionKeyState.Accepted));
        Deletes(log1).Should().Equal($"delete {Gone}");
        Deletes(log2).Should().Equal($"delete {Gone}");
        // One event for one deletion, through the first master that did it: reactors fire once.
        Events(log1).Should().Equal($"event {BridgeEventTags.KeyDeleted} {Gone}");
        Events(log2).Should().BeEmpty();
        report.Masters.Should().Equal(new ReconcileMaster("m1", null), new ReconcileMaster("m2", null));
        report.Splits.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_OrphanAcceptedOnTheSecondMasterOnly_DeletesItThereAndFiresThroughIt()
    {
        m1.SetKey(Gone, MinionKeyState.Absent);

        var report = await Reconciler(SaltTopology.Hot).RunAsync(apply: true, maxDeletions: 1, Ct);

        report.Orphans.Should().ContainSingle().Which.Masters.Should().Equal(
            new MasterKey("m1", MinionKeyState.Absent), new MasterKey("m2", MinionKeyState.Accepted));
        Deletes(log1).Should().BeEmpty();
        Events(log1).Should().BeEmpty();
        Deletes(log2).Should().Equal($"delete {Gone}");
        Events(log2).Should().Equal($"event {BridgeEventTags.KeyDeleted} {Gone}");
    }

    [Fact]
    public async Task RunAsync_TwoOrphansOnBothMastersOverALimitOfOne_DeletesNothing()
    {
        var other = $"web-{Instance(3)}";
        inventory.Set(Instance(3), null);
        m1.SetKey(other, MinionKeyState.Accepted);
        m2.SetKey(other, MinionKeyState.Accepted);

        var report = await Reconciler(SaltTopology.Hot).RunAsync(apply: true, maxDeletions: 1, Ct);

        report.Refusal.Should().StartWith("2 orphan keys exceed the limit of 1", "each minion counts once, not once per master");
        Deletes(log1).Concat(Deletes(log2)).Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_OneMasterDown_DeletesNothingNamesItAndReportsWhatTheOtherSees()
    {
        m2.IsDown = true;
        m1.SetKey(Live, MinionKeyState.Pending);

        var report = await Reconciler(SaltTopology.Hot).RunAsync(apply: true, maxDeletions: 10, Ct);

        report.Compared.Should().BeTrue();
        report.Refusal.Should().Be("nothing deleted: master m2: wheel key.list_all: connection refused (salt-api down); the findings come from m1 only");
        report.Deleted.Should().Be(0);
        Deletes(log1).Should().BeEmpty();
        report.Orphans.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            MinionId = Gone,
            Action = FleetReconciler.Kept,
            Masters = new[] { new MasterKey("m1", MinionKeyState.Accepted) },
        });
        report.Strays.Should().ContainSingle().Which.Reason.Should().Be("key pending, never accepted");
        report.Masters.Should().Equal(
            new ReconcileMaster("m1", null), new ReconcileMaster("m2", "wheel key.list_all: connection refused (salt-api down)"));
    }

    [Fact]
    public async Task RunAsync_EveryMasterDown_RefusesBeforeAskingAutoScaling()
    {
        m1.IsDown = true;
        m2.IsDown = true;

        var report = await Reconciler(SaltTopology.Hot).RunAsync(apply: true, maxDeletions: 10, Ct);

        report.Compared.Should().BeFalse();
        report.Refusal.Should().Be("nothing done: master m1: wheel key.list_all: connection refused (salt-api down); master m2: wheel key.list_all: connection refused (salt-api down)");
        inventory.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_DeleteFailsOnTheSecondMaster_StopsSaysWhereTheKeyIsGoneAndKeepsTheRecord()
    {
        await records.SaveAsync(new ProvisioningRecord(Gone, Instance(1), "web", null, DateTimeOffset.UtcNow, ProvisionedAt: DateTimeOffset.UtcNow), Ct);
        m2.Delete = (_, _) => throw new SaltApiException("wheel key.delete_dict: HTTP 500", isTransient: true);

        var report = await Reconciler(SaltTopology.Hot).RunAsync(apply: true, maxDeletions: 10, Ct);

        report.Refusal.Should().Be($"stopped after 0 deletion(s): master m2: wheel key.delete_dict: HTTP 500 ({Gone} is deleted on m1 only)");
        report.Deleted.Should().Be(0);
        report.Orphans.Should().ContainSingle().Which.Action.Should().Be(FleetReconciler.Kept);
        Deletes(log1).Should().Equal($"delete {Gone}");
        Events(log1).Concat(Events(log2)).Should().BeEmpty("the key is not gone yet: the run that deletes the rest fires it");
        (await records.ListAsync(Ct)).Select(r => r.MinionId).Should().Contain(Gone);
    }

    [Theory]
    [InlineData(SaltTopology.Hot, true)]
    [InlineData(SaltTopology.SharedPki, true)]
    [InlineData(SaltTopology.Failover, false)]
    public async Task RunAsync_InServiceKeyAcceptedOnOneMasterOnly_IsAStrayUnlessFailover(SaltTopology topology, bool stray)
    {
        m2.SetKey(Live, MinionKeyState.Absent);

        var report = await Reconciler(topology).RunAsync(apply: false, maxDeletions: 10, Ct);

        if (stray)
        {
            var finding = report.Strays.Should().ContainSingle().Subject;
            finding.MinionId.Should().Be(Live);
            finding.Reason.Should().Be("key not accepted on every master: m2 cannot reach the minion");
            finding.Masters.Should().Equal(new MasterKey("m1", MinionKeyState.Accepted), new MasterKey("m2", MinionKeyState.Absent));
            report.Splits.Should().BeEmpty("a minion is listed once: its stray row names the masters");
        }
        else
        {
            report.Strays.Should().BeEmpty("in failover one master serves the minion");
            report.Splits.Should().BeEmpty("absent from the other master is what failover does");
            report.Notes.Should().Contain(n => n.StartsWith("failover: 1 key(s) accepted on some masters and absent on the others", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(SaltTopology.Hot, "Standby",
        "key not accepted on m2: it cannot reach the minion; accept or delete the key there by hand (the bridge accepts only at launch); instance Standby")]
    [InlineData(SaltTopology.Hot, "Pending:Wait",
        "key not accepted on m2: it cannot reach the minion; accept or delete the key there by hand (the bridge accepts only at launch); instance Pending:Wait: a launch may be accepting it right now")]
    [InlineData(SaltTopology.SharedPki, "Standby",
        "key not accepted on m2, though the masters share pki: check the shared pki/master directories as m2 sees them; instance Standby")]
    public async Task RunAsync_KeyOfALiveInstanceNotInServiceAcceptedOnOneMasterOnly_ReportsASplitNamingBothAndAcceptsNothing(
        SaltTopology topology, string lifecycleState, string reason)
    {
        inventory.Set(Instance(2), "web", lifecycleState);
        m2.SetKey(Live, MinionKeyState.Pending);

        var report = await Reconciler(topology).RunAsync(apply: true, maxDeletions: 10, Ct);

        var split = report.Splits.Should().ContainSingle().Subject;
        split.Should().BeEquivalentTo(new
        {
            Kind = FindingKind.Split,
            MinionId = Live,
            InstanceId = Instance(2),
            Group = "web",
            Action = FleetReconciler.ReportOnly,
            Masters = new[] { new MasterKey("m1", MinionKeyState.Accepted), new MasterKey("m2", MinionKeyState.Pending) },
        });
        split.Reason.Should().Be(reason);
        log2.All.Should().NotContain(c => c.StartsWith("accept", StringComparison.Ordinal));
        report.Strays.Should().BeEmpty("only instances in service are strays");
    }

    [Theory]
    [InlineData(MinionKeyState.Pending)]
    [InlineData(MinionKeyState.Denied)]
    public async Task RunAsync_FailoverKeyHeldButNotAcceptedOnTheOtherMaster_ReportsASplit(MinionKeyState state)
    {
        m2.SetKey(Live, state);

        var report = await Reconciler(SaltTopology.Failover).RunAsync(apply: false, maxDeletions: 10, Ct);

        report.Strays.Should().BeEmpty();
        var split = report.Splits.Should().ContainSingle().Subject;
        split.Reason.Should().Be("failover: m2 holds the key without accepting it; a minion failing over there is unmanaged (accept it there by hand, or share pki)");
        split.Masters.Should().Equal(new MasterKey("m1", MinionKeyState.Accepted), new MasterKey("m2", state));
    }

    [Fact]
    public async Task RunAsync_OneMaster_FindingsAndReportCarryNoMasters()
    {
        m1.SetKey(Live, MinionKeyState.Pending);
        var reconciler = new FleetReconciler(
            SaltMasterSet.Of(m1), inventory, records, Options.Create(Bridge()), new ReconcileMetrics(), NullLogger<FleetReconciler>.Instance);

        var report = await reconciler.RunAsync(apply: false, maxDeletions: 10, Ct);

        report.Findings.Select(f => (f.Kind, f.MinionId)).Should().Equal((FindingKind.Orphan, Gone), (FindingKind.Stray, Live));
        report.Findings.Should().OnlyContain(f => f.Masters == null);
        report.Masters.Should().BeNull();
        report.Splits.Should().BeNull();
    }

    [Theory]
    [InlineData(true, new long[0])]
    [InlineData(false, new long[] { 1 })]
    public async Task RunAsync_SplitKeyGauge_OnlyWithSeveralMasters(bool oneMaster, long[] expected)
    {
        inventory.Set(Instance(2), "web", "Standby");
        m2.SetKey(Live, MinionKeyState.Pending);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var set = oneMaster ? SaltMasterSet.Of(m1) : new SaltMasterSet([new NamedSaltMaster("m1", m1), new NamedSaltMaster("m2", m2)], SaltTopology.Hot);
        var reconciler = new FleetReconciler(set, inventory, records, Options.Create(Bridge()), new ReconcileMetrics(factory), NullLogger<FleetReconciler>.Instance);

        await reconciler.RunAsync(apply: false, maxDeletions: 10, Ct);

        var seen = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "reconcile_split_keys")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => seen.Add(value));
        listener.Start();
        listener.RecordObservableInstruments();
        seen.Should().Equal(expected);
    }

    private FleetReconciler Reconciler(SaltTopology topology) => new(
        new SaltMasterSet([new NamedSaltMaster("m1", m1), new NamedSaltMaster("m2", m2)], topology),
        inventory, records, Options.Create(Bridge()), new ReconcileMetrics(), NullLogger<FleetReconciler>.Instance);

    private static BridgeOptions Bridge()
    {
        var bridge = new BridgeOptions();
        bridge.Groups.Add("web");
        return bridge;
    }

    private static IEnumerable<string> Deletes(CallLog log) => log.All.Where(c => c.StartsWith("delete ", StringComparison.Ordinal));

    private static IEnumerable<string> Events(CallLog log) => log.All.Where(c => c.StartsWith("event ", StringComparison.Ordinal));

    private static string Instance(int n) => $"i-{n:x17}";
}
