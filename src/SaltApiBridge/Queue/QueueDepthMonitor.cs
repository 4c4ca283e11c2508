using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Queue;

/// <summary>
/// How many messages wait in the queue and its dead-letter queue, asked of SQS every <see cref="RefreshInterval"/>
/// (two or three cheap calls) and kept for the scrape: <c>saltapibridge_queue_messages{queue,state}</c>, queue
/// <c>main</c> or <c>dead_letter</c>, state <c>visible</c>, <c>in_flight</c> or <c>delayed</c>. Nothing is exported
/// before the first answer; a failed refresh keeps the last one (the outage is SQS's warning, see
/// <see cref="SqsMessageQueue"/>).
/// </summary>
public sealed class QueueDepthMonitor : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private readonly SqsMessageQueue queue;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<QueueDepthMonitor> logger;
    private QueueDepths? current;

    public QueueDepthMonitor(SqsMessageQueue queue, TimeProvider timeProvider, ILogger<QueueDepthMonitor> logger, IMeterFactory? meterFactory = null)
    {
        this.queue = queue;
        this.timeProvider = timeProvider;
        this.logger = logger;
        BridgeMeter.Create(meterFactory).CreateObservableGauge(
            "queue_messages",
            Observe,
            description: "Messages in the queue and its dead-letter queue, by state (visible, in_flight, delayed), from GetQueueAttributes every 30 s");
    }

    /// <summary>The last depths SQS gave; null before the first answer.</summary>
    public QueueDepths? Current => Volatile.Read(ref current);

    /// <summary>Asks SQS now. Throws what the queue throws; the last depths stay until an answer replaces them.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var (main, deadLetter) = await queue.GetDepthAsync(cancellationToken);
        Volatile.Write(ref current, new QueueDepths(main, deadLetter, timeProvider.GetUtcNow()));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start path: the host goes on starting while the first answer is awaited.
        await Task.Yield();
        using var timer = new PeriodicTimer(RefreshInterval, timeProvider);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    QueueLog.DepthUnknown(logger, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        if (Current is not { } depths)
            return [];
        var measurements = Of("main", depths.Main);
        return depths.DeadLetter is { } deadLetter ? [.. measurements, .. Of("dead_letter", deadLetter)] : measurements;
    }

    private static Measurement<long>[] Of(string queueLabel, QueueDepth depth) =>
    [
        Measure(queueLabel, "visible", depth.Visible),
        Measure(queueLabel, "in_flight", depth.InFlight),
        Measure(queueLabel, "delayed", depth.Delayed),
    ];

    private static Measurement<long> Measure(string queueLabel, string state, long value) =>
        new(value, new KeyValuePair<string, object?>("queue", queueLabel), new KeyValuePair<string, object?>("state", state));
}
