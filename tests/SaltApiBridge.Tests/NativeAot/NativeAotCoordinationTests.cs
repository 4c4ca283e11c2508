using Amazon.DynamoDBv2.Model;
using Amazon.SQS;
using Microsoft.Extensions.Logging.Abstractions;
using SaltApiBridge.Cli;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Hosting;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.NativeAot;

/// <summary>
/// The Native AOT executable with <c>Coordination:Store</c> DynamoDb against dynalite, on what trimming or the lack of
/// a JIT could break in the DynamoDB client and the store: create-table, check's table verification, and a launch
/// whose lease, record and finished work go through the table.
/// </summary>
[Collection(nameof(NativeAotCollection))]
public sealed class NativeAotCoordinationTests(FauxqsServer fauxqs, DynaliteServer dynalite, NativeAotBuild build) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();
    private string table = "aot-" + Guid.NewGuid().ToString("N");
    private string queueUrl = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => queueUrl = await fauxqs.CreateQueueAsync("aot-coordination-" + Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
    }

    [Fact]
    public async Task CreateTableThenCheck_InTheAotBuild_CreatesTheTableOnceAndEveryCheckPasses()
    {
        await using (var create = DaemonProcess.Start(build.Executable, ["create-table"], Configuration()))
        {
            (await create.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, create.Output);
            create.Output.Should().Contain($"created table {table}").And.Contain("ACTIVE");
        }

        await using (var again = DaemonProcess.Start(build.Executable, ["create-table"], Configuration()))
        {
            (await again.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, again.Output);
            again.Output.Should().Contain("already has the documented schema");
        }

        await using var check = DaemonProcess.Start(build.Executable, ["check"], Configuration());
        (await check.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, check.Output);
        check.Output.Should().Contain("✓ coordination table:").And.Contain("✓ coordination table TTL:")
            .And.Contain("✓ coordination table calls:").And.NotContain("✗");
    }

    [Fact]
    public async Task Run_LaunchWithTheDynamoDbStore_LeaseRecordAndFinishedWorkGoThroughTheTable()
    {
        table = await dynalite.CreateTableAsync("aot-run");
        var instance = "i-0123456789abcdef2";
        var minion = $"{Group}-{instance}";
        autoScaling.AddInstance(Group, instance, token: "token-launch-3");
        await using var daemon = DaemonProcess.Start(build.Executable, ["run"], Configuration());
        await UntilAsync(() => daemon.Output.Contains("Event stream proven", StringComparison.Ordinal), daemon, "the event stream was never proven");

        await sqs.SendMessageAsync(queueUrl, SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, instance, "provision", "token-launch-3"), Ct);
        await UntilAsync(() => autoScaling.Completions.Count == 1, daemon, "the launch was never completed");
        await Eventually.UntilAsync(async () => await FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, Ct) == 0, TimeSpan.FromSeconds(30), () => "the queue never emptied:\n" + daemon.Output);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(await NativeAotDaemonTests.HealthUrlAsync(daemon), "/metrics"), Ct);
        await daemon.SigtermAsync(Ct);
        (await daemon.ExitCodeAsync(ExitTimeout, Ct)).Should().Be(0, daemon.Output);

        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
        // What one launch asked of the table, as the daemon exports it.
        var storeCalls = metrics.Split('\n').Where(l => l.StartsWith("saltapibridge_coordination_store_", StringComparison.Ordinal)).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', storeCalls));
        storeCalls.Should().Contain(l => l.StartsWith("saltapibridge_coordination_store_calls{operation=\"UpdateItem\"}", StringComparison.Ordinal));
        using var client = dynalite.CreateClient();
        var calls = new DynamoDbCaller(client, dynalite.Options(table, "test"), new DependencyOutages(TimeProvider.System, NullLogger<DependencyOutages>.Instance), new CoordinationStoreUsage());
        var record = await new DynamoDbProvisioningRecords(calls, TimeProvider.System).GetAsync(minion, Ct);
        record.Should().NotBeNull("the AOT build wrote the record as JSON the JIT build reads");
        record!.InstanceId.Should().Be(instance);
        record.ProvisionedAt.Should().NotBeNull();
        record.InProgress.Should().BeNull();
        var item = (await client.GetItemAsync(new GetItemRequest { TableName = table, Key = CoordinationTable.Key(CoordinationTable.MinionKey(minion)), ConsistentRead = true }, Ct)).Item;
        item.Should().NotContainKey(CoordinationTable.Owner, "the lease was given back");
        var done = await client.ScanAsync(new ScanRequest { TableName = table }, Ct);
        done.Items.Select(i => i[CoordinationTable.PartitionKey].S).Where(k => k.StartsWith(CoordinationTable.DonePrefix, StringComparison.Ordinal))
            .Should().Contain(k => k.StartsWith("done#message:", StringComparison.Ordinal)).And.Contain(k => k.StartsWith("done#action:", StringComparison.Ordinal));
    }

    private string Configuration() => NativeAotDaemonTests.Configuration(queueUrl, fauxqs.Endpoint, salt.BaseUrl, autoScaling.Url, new
    {
        Store = "DynamoDb",
        TableName = table,
        Region = DynaliteServer.Region,
        ServiceUrl = dynalite.Endpoint,
        ReplicaName = "aot-replica",
        LeaseDuration = "00:00:15",
    });

    private static Task UntilAsync(Func<bool> condition, DaemonProcess daemon, string failure) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(30), () => failure + ":\n" + daemon.Output);
}
