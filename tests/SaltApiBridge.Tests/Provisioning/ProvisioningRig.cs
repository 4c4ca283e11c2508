using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Hosting;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Provisioning.OwedKeys;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;
using SaltApiBridge.Status;
using SaltApiBridge.Tests.AutoScaling;
using SaltApiBridge.Tests.Pipeline;
using SaltApiBridge.Tests.Salt;
using SaltApiBridge.Tests.Salt.Events;

namespace SaltApiBridge.Tests.Provisioning;

/// <summary>
/// The per-instance classes (provisioning, instance turns, the takeover) wired as the daemon wires them, over the
/// pipeline tests' fakes and a fake clock, without the queue or the pipeline (<see cref="PipelineHarness"/> runs those):
/// a test resolves the one class it is about with <see cref="Get{T}"/>. Nothing waits on real time but the fakes' own
/// bounded waits; a test moves <see cref="Time"/> where the class waits.
/// </summary>
internal sealed class ProvisioningRig : IAsyncDisposable
{
    public const string Group = "web";
    public const string LaunchHook = "provision";
    public const string TerminateHook = "clean-up";

    private readonly ServiceProvider services;
    private readonly ILoggerFactory loggers;
    private readonly BridgeMetrics metrics;

    public ProvisioningRig(
        int masters = 1,
        SaltTopology topology = SaltTopology.Hot,
        Action<PipelineOptions>? pipeline = null,
        Action<SaltApiOptions>? salt = null,
        BridgeOptions? bridge = null,
        IProvisioningRecords? records = null,
        ILeases? leases = null,
        IAwsCredentialsSource? credentials = null)
    {
        Salt = new FakeSaltMaster(Log);
        Others = [.. Enumerable.Range(2, masters - 1).Select(n => new FakeSaltMaster(Log) { Name = $"m{n}" })];
        Masters = new SaltMasterSet([new NamedSaltMaster("local", Salt), .. Others.Select(o => new NamedSaltMaster(o.Name!, o))], topology);
        Actions = new FakeLifecycleActions(Log);
        Records = records ?? new InMemoryProvisioningRecords();
        Leases = leases ?? new ProcessLeases();
        Bridge = bridge ?? new BridgeOptions();
        // No pause between a step's attempts unless a test asks for one: the fake clock would have to be moved.
        Pipeline = new PipelineOptions { StepRetryDelay = TimeSpan.Zero, LockedRetryDelay = TimeSpan.FromSeconds(7) };
        pipeline?.Invoke(Pipeline);
        SaltOptions = new SaltApiOptions { MasterDownTimeout = TimeSpan.FromSeconds(30), MasterRetryInterval = TimeSpan.FromSeconds(5) };
        salt?.Invoke(SaltOptions);
        loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        metrics = new BridgeMetrics(Metrics.Factory);
        services = new ServiceCollection()
            .AddSingleton(Masters)
            .AddSingleton<ILifecycleActionClient>(Actions)
            .AddSingleton<IAutoScalingInventory>(Inventory)
            .AddSingleton<LifecycleHookCatalog>()
            .AddSingleton<HeartbeatKeeper>()
            .AddSingleton(Records)
            .AddSingleton(Leases)
            .AddSingleton<IFinishedWork>(new LocalFinishedWork(new CompletedWork(Pipeline.DeduplicationWindow, Time, Pipeline.DeduplicationCapacity)))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(Bridge))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(Pipeline))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(SaltOptions))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(Coordination))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new AutoScalingOptions()))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new QueueOptions { QueueUrl = "http://queue" }))
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(Metrics.Factory)
            .AddSingleton(metrics)
            .AddSingleton(loggers)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddSingleton(new ActionPlanner(Bridge))
            .AddSingleton<WorkBoard>()
            .AddSingleton<InstanceTurns>()
            .AddSingleton(credentials ?? new StaticCredentialsSource(new Amazon.Runtime.ImmutableCredentials("AKIDEXAMPLE", "secret", null)))
            .AddSingleton<HeartbeatIntervalCheck>()
            .AddSingleton<IHostApplicationLifetime, ApplicationLifetime>()
            .AddSingleton<StartupChecks>()
            .AddSingleton<UnattendedActions>()
            .AddSingleton<OwedKeyWork>()
            .AddProvisioning()
            .BuildServiceProvider();
    }

    public CallLog Log { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 6, 11, 0, 0, TimeSpan.Zero));

    public CapturedLogs Logs { get; } = new();

    public MetricRecorder Metrics { get; } = new();

    /// <summary>The first master, named "local".</summary>
    public FakeSaltMaster Salt { get; }

    /// <summary>The masters after the first, named m2, m3, …</summary>
    public IReadOnlyList<FakeSaltMaster> Others { get; }

    public SaltMasterSet Masters { get; }

    public FakeLifecycleActions Actions { get; }

    public FakeAutoScalingInventory Inventory { get; } = new();

    public IProvisioningRecords Records { get; }

    public ILeases Leases { get; }

    public BridgeOptions Bridge { get; }

    public PipelineOptions Pipeline { get; }

    public SaltApiOptions SaltOptions { get; }

    public CoordinationOptions Coordination { get; } = new() { ReplicaName = "replica-1" };

    public T Get<T>()
        where T : notnull => services.GetRequiredService<T>();

    public static string InstanceId(int n) => $"i-{n:x17}";

    public static string MinionId(int n) => $"{Group}-{InstanceId(n)}";

    public static string Token(int n) => $"00000000-0000-4000-8000-{n:x12}";

    /// <summary>The plan for instance <paramref name="n"/>'s event of this kind, as the daemon makes it (this rig's Bridge options).</summary>
    public ActionPlan Plan(LifecycleEventKind kind, int n = 1, string? destination = null, DateTimeOffset? time = null)
    {
        var hook = kind switch
        {
            LifecycleEventKind.Launching => LaunchHook,
            LifecycleEventKind.Terminating => TerminateHook,
            _ => null,
        };
        var token = hook is null ? null : Token(n);
        var format = hook is null ? SourceFormat.Notification : SourceFormat.LifecycleHook;
        return Get<ActionPlanner>().Plan(new LifecycleEvent(kind, format, $"msg-{n}", InstanceId(n), Group, hook, token, null, null, destination, time));
    }

    /// <summary>
    /// The first master's key accept runs <paramref name="meanwhile"/> (a shutdown, a lease lost), then hangs until its
    /// token is cancelled: work caught in the middle of a call.
    /// </summary>
    public void AcceptHangs(Action meanwhile) =>
        Salt.Accept = async (_, ct) =>
        {
            meanwhile();
            await Task.Delay(Timeout.Infinite, ct);
            return KeyAcceptOutcome.Accepted;
        };

    /// <summary>The work for a plan, as the handler starts it (through the first master).</summary>
    public InstanceWork Work(ActionPlan plan) =>
        new(plan, plan.Event.MessageId ?? "takeover", Masters.Primary, ProvisioningRecord.KeyOf(plan.Event.LifecycleActionToken));

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        metrics.Dispose();
        loggers.Dispose();
        Metrics.Dispose();
        Logs.Dispose();
    }
}
