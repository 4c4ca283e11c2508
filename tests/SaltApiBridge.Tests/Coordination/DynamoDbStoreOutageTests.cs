using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Coordination;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>
/// The DynamoDB store when dynalite stops mid-work and starts again on the same port with the same data: calls fail as
/// transient (one warning for the whole outage), work again afterwards (one line), and a lease whose renewals fail is
/// counted lost before it could have run out.
/// </summary>
public sealed class DynamoDbStoreOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("saltapibridge-dynalite-");
    private readonly CapturedLogs logs = new();
    private readonly ILoggerFactory loggers;
    private readonly List<DynamoDbReplica> replicas = [];
    private DynaliteServer? dynalite;
    private string table = "";

    public DynamoDbStoreOutageTests() => loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DynaliteServer Dynalite => dynalite!;

    public async ValueTask InitializeAsync()
    {
        dynalite = await DynaliteServer.StartDedicatedAsync(data.FullName);
        table = await dynalite.CreateTableAsync("outage");
    }

    public async ValueTask DisposeAsync()
    {
        replicas.ForEach(r => r.Dispose());
        if (dynalite is not null)
            await dynalite.DisposeAsync();
        loggers.Dispose();
        logs.Dispose();
        data.Delete(recursive: true);
    }

    [Fact]
    public async Task Calls_StoreRestartedMidStorm_FailAsTransientWithOneWarningThenWorkOnTheSameDataWithOneRecoveryLine()
    {
        var a = Replica("a", TimeProvider.System);
        var saved = await a.Records.SaveAsync(new ProvisioningRecord("web-1", "i-0123456789abcdef0", "web-asg", "key", Start), Ct);
        await Dynalite.StopAsync();

        var failures = new List<CoordinationStoreException>();
        foreach (var call in new Func<Task>[]
        {
            () => a.Records.GetAsync("web-1", Ct),
            () => a.Records.SaveAsync(saved, Ct),
            () => a.Leases.TryAcquireAsync(LeaseKey.Instance("web-2"), Ct),
            () => a.FinishedWork.ContainsAsync("message:m-1", Ct),
            () => a.Records.ListUnattendedAsync(10, Ct),
        })
        {
            try
            {
                await call();
            }
            catch (CoordinationStoreException e)
            {
                failures.Add(e);
            }
        }

        var whileDown = a.Outages.IsDown("coordination_store");
        await Dynalite.StartAgainAsync();
        var afterwards = await a.Records.GetAsync("web-1", Ct);

        failures.Should().HaveCount(5).And.OnlyContain(e => e.IsTransient);
        whileDown.Should().BeTrue();
        afterwards.Should().BeEquivalentTo(saved);
        a.Outages.IsDown("coordination_store").Should().BeFalse();
        logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("coordination_store is not answering").And.Contain("go back to the queue");
        logs.Lines.Where(l => l.Contains("answering again", StringComparison.Ordinal)).Should().ContainSingle();
    }

    [Fact]
    public async Task Lost_RenewalsFailWhileTheStoreIsDown_CancelledBeforeTheLeaseCouldRunOutThenTakenOver()
    {
        var clock = new FakeTimeProvider(Start);
        var a = Replica("a", clock);
        var lease = await a.Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await Dynalite.StopAsync();

        // The lost line is written the moment the holder gives up (within the clock step); the token follows.
        while (!logs.Lines.Any(l => l.Contains("Lease on web-1 lost", StringComparison.Ordinal)) && clock.GetUtcNow() < Start + Duration)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        var lostAt = clock.GetUtcNow();
        await Eventually.UntilAsync(() => Task.FromResult(lease!.Lost.IsCancellationRequested), TimeSpan.FromSeconds(10), () => "Lost was never cancelled");
        await Dynalite.StartAgainAsync();
        clock.Advance(Start + Duration - clock.GetUtcNow() + TimeSpan.FromMilliseconds(1));
        await using var taken = await Replica("b", clock).Leases.TryAcquireAsync(LeaseKey.Instance("web-1"), Ct);
        await lease!.DisposeAsync();

        lostAt.Should().BeOnOrBefore(Start + Duration - (Duration / 6), "it stops a safety margin before the lease could run out on another host's clock")
            .And.BeAfter(Start + (Duration / 3), "it gives up only after a renewal failed");
        taken.Should().NotBeNull();
    }

    private DynamoDbReplica Replica(string name, TimeProvider clock)
    {
        var replica = new DynamoDbReplica(Dynalite, table, name, clock, Duration, loggers);
        replicas.Add(replica);
        return replica;
    }
}
