using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Reconcile;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Pipeline;

namespace SaltApiBridge.Tests.Reconcile;

public sealed class ReconcileWorkerTests
{
    private static readonly string Gone = $"web-i-{1:x17}";
    private static readonly string Live = $"web-i-{2:x17}";

    private readonly CallLog log = new();
    private readonly FakeTimeProvider time = new();
    private readonly FakeSaltMaster salt;
    private readonly FakeAutoScalingInventory inventory = new();
    private readonly ProcessLeases store = new();
    private readonly CountingLeases leases;

    public ReconcileWorkerTests()
    {
        salt = new FakeSaltMaster(log);
        leases = new CountingLeases(store);
        salt.SetKey(Gone, MinionKeyState.Accepted);
        salt.SetKey(Live, MinionKeyState.Accepted);
        inventory.Set($"i-{1:x17}", null);
        inventory.Set($"i-{2:x17}", "web", "InService");
    }

    [Fact]
    public async Task StartAsync_IntervalSetWithApply_ReconcilesEachIntervalAndDeletesTheOrphan()
    {
        using var worker = Worker(new ReconcileOptions { Interval = TimeSpan.FromMinutes(10), Apply = true });
        await worker.StartAsync(TestContext.Current.CancellationToken);

        log.All.Should().NotContain("list keys", "the first run waits one interval");
        time.Advance(TimeSpan.FromMinutes(10));
        await log.WaitUntilAsync(calls => calls.Contains($"delete {Gone}"));
        time.Advance(TimeSpan.FromMinutes(10));
        await log.WaitUntilAsync(calls => calls.Count(c => c == "list keys") == 2);
        await worker.StopAsync(TestContext.Current.CancellationToken);

        log.All.Where(c => c.StartsWith("delete", StringComparison.Ordinal)).Should().Equal($"delete {Gone}");
        log.All.Should().Contain($"event saltapibridge/key_deleted {Gone}");
    }

    [Fact]
    public async Task StartAsync_IntervalSetWithoutApply_ReportsOnly()
    {
        using var worker = Worker(new ReconcileOptions { Interval = TimeSpan.FromMinutes(10) });
        await worker.StartAsync(TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromMinutes(10));
        await log.WaitUntilAsync(calls => calls.Contains("list keys"));
        await worker.StopAsync(TestContext.Current.CancellationToken);

        log.All.Should().NotContain(c => c.StartsWith("delete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_NoInterval_NeverRuns()
    {
        using var worker = Worker(new ReconcileOptions());
        await worker.StartAsync(TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromDays(2));
        await worker.StopAsync(TestContext.Current.CancellationToken);

        log.All.Should().BeEmpty();
    }

    [Fact]
    public async Task StartAsync_AnotherReplicaReconciles_SkipsThatRunAndTakesTheNext()
    {
        using var worker = Worker(new ReconcileOptions { Interval = TimeSpan.FromMinutes(10), Apply = true });
        await worker.StartAsync(TestContext.Current.CancellationToken);
        var other = await store.TryAcquireAsync(LeaseKey.Reconcile, TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromMinutes(10));
        await log.WaitUntilAsync(_ => leases.Refused == 1);
        log.All.Should().BeEmpty("the replica holding the reconcile lease runs it");
        await other!.DisposeAsync();
        time.Advance(TimeSpan.FromMinutes(10));
        await log.WaitUntilAsync(calls => calls.Contains($"delete {Gone}"));

        await worker.StopAsync(TestContext.Current.CancellationToken);
    }

    private ReconcileWorker Worker(ReconcileOptions options)
    {
        var bridge = new BridgeOptions();
        bridge.Groups.Add("web");
        var reconciler = new FleetReconciler(
            SaltMasterSet.Of(salt), inventory, new InMemoryProvisioningRecords(), Options.Create(bridge), new ReconcileMetrics(), NullLogger<FleetReconciler>.Instance);
        return new ReconcileWorker(reconciler, leases, Options.Create(options), time, NullLogger<ReconcileWorker>.Instance);
    }
}
