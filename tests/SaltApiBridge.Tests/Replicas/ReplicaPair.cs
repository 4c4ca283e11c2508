using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.SQS;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Replicas;

/// <summary>
/// The HA topology, run for real: two published daemons on one fauxqs queue and one dynalite table, each next to its own
/// master of a hot/hot pair (its master as <c>SaltApi:BaseUrl</c>, the other under <c>SaltApi:Masters</c>), over the
/// simulated masters and Auto Scaling. Every completion is timed as the simulator receives it.
/// </summary>
internal sealed class ReplicaPair : IAsyncDisposable
{
    public const string Group = "web-asg";
    public const string Hook = "provision";

    private readonly FauxqsServer fauxqs;
    private readonly DynaliteServer dynalite;
    private readonly string executable;
    private readonly ConcurrentQueue<(AutoScalingCall Call, DateTimeOffset At)> timed = new();
    private readonly IAmazonSQS sqs;
    private readonly ConcurrentDictionary<string, string> instanceOfToken = new(StringComparer.Ordinal);

    public ReplicaPair(FauxqsServer fauxqs, DynaliteServer dynalite, string executable)
    {
        this.fauxqs = fauxqs;
        this.dynalite = dynalite;
        this.executable = executable;
        sqs = fauxqs.CreateSqsClient();
        AutoScaling.Called += call => timed.Enqueue((call, DateTimeOffset.UtcNow));
    }

    public SimulatedMasters Masters { get; } = new(2);

    public SimulatedAutoScaling AutoScaling { get; } = new();

    public TimeSpan LeaseDuration { get; } = TimeSpan.FromSeconds(5);

    public List<DaemonProcess> Daemons { get; } = [];

    public string QueueUrl { get; private set; } = "";

    public string Table { get; private set; } = "";

    /// <summary>Successful completions, by the action they completed, with when the simulator received them.</summary>
    public IReadOnlyList<(AutoScalingCall Call, DateTimeOffset At)> Completions =>
        [.. timed.Where(t => t.Call.Action == "CompleteLifecycleAction")];

    public static string InstanceId(int n) => $"i-{n:x17}";

    public static string MinionId(int n) => $"{Group}-{InstanceId(n)}";

    public static string Token(int n) => $"00000000-0000-4000-8000-{n:D12}";

    public async Task StartAsync(int visibilityTimeoutSeconds)
    {
        QueueUrl = await fauxqs.CreateQueueAsync("replicas-" + Guid.NewGuid().ToString("N"));
        Table = await dynalite.CreateTableAsync("replicas");
        for (var i = 0; i < 2; i++)
            Daemons.Add(DaemonProcess.Start(executable, ["run"], Configuration(i, visibilityTimeoutSeconds)));
        foreach (var daemon in Daemons)
        {
            await Eventually.UntilAsync(
                () => Task.FromResult(daemon.Output.Split('\n').Count(l => l.Contains("Event stream proven", StringComparison.Ordinal)) >= 2 || daemon.HasExited),
                TimeSpan.FromSeconds(60), () => "a replica's event streams were never proven:\n" + daemon.Output);
            daemon.HasExited.Should().BeFalse(daemon.Output);
        }
    }

    public async Task SendLaunchesAsync(IEnumerable<int> instances, int copies)
    {
        foreach (var n in instances)
        {
            AutoScaling.AddInstance(Group, InstanceId(n), token: Token(n));
            instanceOfToken[Token(n)] = InstanceId(n);
            for (var copy = 0; copy < copies; copy++)
                await sqs.SendMessageAsync(QueueUrl, SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, InstanceId(n), Hook, Token(n)), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The instance a call was for: named, or found from its action's token.</summary>
    public string? InstanceOf(AutoScalingCall call) => call.InstanceId ?? instanceOfToken.GetValueOrDefault(call.ActionToken ?? "");

    public Task UntilCompletedAsync(int actions, TimeSpan within) =>
        Eventually.UntilAsync(
            () => Task.FromResult(Completions.Select(c => c.Call.ActionToken).Distinct().Count() >= actions),
            within, () => $"{Completions.Count} of {actions} completed:\n" + string.Join("\n----\n", Daemons.Select(d => d.Output)));

    public Task UntilQueueEmptyAsync(TimeSpan within) =>
        Eventually.UntilAsync(
            async () => await FauxqsEmulator.MessagesLeftAsync(sqs, QueueUrl, TestContext.Current.CancellationToken) == 0,
            within, () => "the queue never emptied:\n" + string.Join("\n----\n", Daemons.Select(d => d.Output)));

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in Daemons)
            await daemon.DisposeAsync();
        sqs.Dispose();
        await Masters.DisposeAsync();
        await AutoScaling.DisposeAsync();
    }

    /// <summary>Replica i: its own master first, the other one under SaltApi:Masters; one table, a 5 s lease.</summary>
    private string Configuration(int replica, int visibilityTimeoutSeconds)
    {
        var own = Masters.Masters[replica];
        var other = Masters.Masters[1 - replica];
        var configuration = JsonNode.Parse(NativeAot.NativeAotDaemonTests.Configuration(QueueUrl, fauxqs.Endpoint, own.BaseUrl, AutoScaling.Url, new
        {
            Store = "DynamoDb",
            TableName = Table,
            ServiceUrl = dynalite.Endpoint,
            Region = DynaliteServer.Region,
            ReplicaName = "replica" + (replica + 1),
            LeaseDuration = LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
        }))!.AsObject();
        configuration["Queue"]!["VisibilityTimeoutSeconds"] = visibilityTimeoutSeconds;
        var saltApi = configuration["SaltApi"]!.AsObject();
        saltApi["Name"] = SimulatedMasters.NameOf(replica);
        saltApi["Topology"] = "hot";
        saltApi["MasterDown"] = "Proceed";
        saltApi["MasterDownTimeout"] = "00:00:05";
        saltApi[nameof(Masters)] = new JsonObject
        {
            [SimulatedMasters.NameOf(1 - replica)] = new JsonObject { ["BaseUrl"] = other.BaseUrl },
        };
        configuration["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Information" } };
        return configuration.ToJsonString();
    }
}
