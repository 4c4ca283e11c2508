using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Hosting;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Provisioning.OwedKeys;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;
using SaltApiBridge.Status;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>The real pipeline and handler over an in-memory queue, a fake Salt master and fake Auto Scaling.</summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly CancellationTokenSource abort = new();
    private readonly BridgeMetrics metrics = new();
    private readonly ILoggerFactory loggers;
    private readonly ServiceProvider services;
    private Task? running;

    public PipelineHarness(Action<PipelineOptions>? configure = null, BridgeOptions? bridge = null, ILeases? leases = null, CallLog? log = null, InMemoryQueue? queue = null, ILoggerProvider? logs = null, TimeSpan? jobTimeout = null, int masters = 1, SaltTopology topology = SaltTopology.Hot, Action<SaltApiOptions>? salt = null, IProvisioningRecords? records = null)
    {
        loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs ?? NullLoggerProvider.Instance));
        Log = log ?? new CallLog();
        Queue = queue ?? new InMemoryQueue(Log, TimeSpan.FromSeconds(30));
        Salt = new FakeSaltMaster(Log) { JobTimeout = jobTimeout ?? TimeSpan.FromMinutes(5) };
        Actions = new FakeLifecycleActions(Log);
        Inventory = new FakeAutoScalingInventory();
        var bridgeOptions = bridge ?? new BridgeOptions();
        Options = new PipelineOptions { StepRetryDelay = TimeSpan.Zero, RetryBackoff = TimeSpan.FromMilliseconds(200), MaxRetryBackoff = TimeSpan.FromSeconds(1), DeleteBatchWindow = TimeSpan.FromMilliseconds(20), LockedRetryDelay = TimeSpan.FromMilliseconds(100) };
        configure?.Invoke(Options);
        var autoScalingOptions = Microsoft.Extensions.Options.Options.Create(new AutoScalingOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(100) });
        var hooks = new LifecycleHookCatalog(Inventory, autoScalingOptions, TimeProvider.System, NullLogger<LifecycleHookCatalog>.Instance);
        var heartbeats = new HeartbeatKeeper(Actions, hooks, autoScalingOptions, TimeProvider.System, NullLogger<HeartbeatKeeper>.Instance);
        // Further masters log their calls as "m2: …"; the first master's calls read as with one master.
        Others = [.. Enumerable.Range(2, masters - 1).Select(n => new FakeSaltMaster(Log) { Name = $"m{n}", JobTimeout = Salt.JobTimeout })];
        Masters = new SaltMasterSet([new NamedSaltMaster("local", Salt), .. Others.Select(o => new NamedSaltMaster(o.Name!, o))], topology);
        Records = records ?? Records;
        SaltOptions = new SaltApiOptions { JobTimeout = Salt.JobTimeout, MasterDownTimeout = TimeSpan.FromSeconds(2), MasterRetryInterval = TimeSpan.FromMilliseconds(50) };
        salt?.Invoke(SaltOptions);
        services = new ServiceCollection()
            .AddSingleton(Masters)
            .AddSingleton<ILifecycleActionClient>(Actions)
            .AddSingleton(heartbeats)
            .AddSingleton<IAutoScalingInventory>(Inventory)
            .AddSingleton(Records)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(bridgeOptions))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(Options))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(SaltOptions))
            .AddSingleton(TimeProvider.System)
            .AddSingleton(metrics)
            .AddSingleton(loggers)
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddSingleton<IMessageQueue>(Queue)
            .AddSingleton(new ActionPlanner(bridgeOptions))
            .AddSingleton(leases ?? new ProcessLeases())
            .AddSingleton<IFinishedWork>(new LocalFinishedWork(new CompletedWork(Options.DeduplicationWindow, TimeProvider.System, Options.DeduplicationCapacity)))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(Coordination))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new QueueOptions { QueueUrl = "http://queue", Pollers = 2 }))
            .AddSingleton<IScheduler>(DefaultScheduler.Instance)
            .AddSingleton(new WorkBoard(TimeProvider.System))
            .AddSingleton<InstanceTurns>()
            .AddSingleton<LifecyclePipeline>()
            .AddSingleton<IHostApplicationLifetime, ApplicationLifetime>()
            .AddSingleton<StartupChecks>()
            .AddSingleton<UnattendedActions>()
            .AddProvisioning()
            .BuildServiceProvider();
        Pipeline = services.GetRequiredService<LifecyclePipeline>();
        Pipeline.Settled += settled => Settled.Enqueue(settled);
    }

    public CallLog Log { get; }

    /// <summary>This replica's coordination settings (its name).</summary>
    public CoordinationOptions Coordination { get; } = new() { ReplicaName = "replica-1" };

    /// <summary>The takeover of actions left in progress (not started: tests call its look).</summary>
    public UnattendedActions Unattended => services.GetRequiredService<UnattendedActions>();

    public WorkBoard Board => services.GetRequiredService<WorkBoard>();

    /// <summary>The masters after the first (<see cref="Salt"/>), named m2, m3, …</summary>
    public IReadOnlyList<FakeSaltMaster> Others { get; }

    public SaltMasterSet Masters { get; }

    public SaltApiOptions SaltOptions { get; }

    /// <summary>The retrier of owed key work, over these masters and records.</summary>
    public OwedKeyWork OwedWork(ILeases? leases = null) =>
        new(Masters, Records, leases ?? new ProcessLeases(), Microsoft.Extensions.Options.Options.Create(SaltOptions), TimeProvider.System, NullLogger<OwedKeyWork>.Instance);

    public InMemoryQueue Queue { get; }

    public FakeSaltMaster Salt { get; }

    public FakeLifecycleActions Actions { get; }

    public FakeAutoScalingInventory Inventory { get; }

    public IProvisioningRecords Records { get; private set; } = new InMemoryProvisioningRecords();

    public PipelineOptions Options { get; }

    public LifecyclePipeline Pipeline { get; }

    public ConcurrentQueue<SettledMessage> Settled { get; } = new();

    public void Start() => running = Pipeline.RunAsync(stop.Token, abort.Token);

    /// <summary>Waits (real time, bounded) until <paramref name="count"/> messages are settled.</summary>
    public async Task WaitForSettledAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (Settled.Count < count)
        {
            if (running is { IsFaulted: true })
                await running;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{Settled.Count} of {count} messages settled; calls: {string.Join(" | ", Log.All)}");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Stops polling; after <paramref name="drain"/> interrupts the remaining work. Returns when the pipeline has ended.</summary>
    public async Task StopAsync(TimeSpan drain)
    {
        await stop.CancelAsync();
        abort.CancelAfter(drain);
        if (running is not null)
            await running;
    }

    public async ValueTask DisposeAsync()
    {
        if (running is not null && !running.IsCompleted)
            await StopAsync(TimeSpan.Zero);
        stop.Dispose();
        abort.Dispose();
        await services.DisposeAsync();
        metrics.Dispose();
        loggers.Dispose();
    }
}
