using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Hosting;

/// <summary>
/// Gives the memory of a burst back once the burst is over. A scale-out delivers hundreds of messages at once, then the
/// daemon mostly waits on highstates for minutes; the collector keeps what the burst made it commit (its garbage promoted
/// to the oldest generation, the room reserved for the next allocations) until it next needs to collect, which a quiet
/// daemon may not for a long time: 1000 launches in flight held ~50 MB of collector memory for ~16 MB of objects
/// (docs/bench/README.md). So every <see cref="Interval"/>: when little was allocated since the last look and at least
/// <see cref="MinUnusedBytes"/> are held beyond the objects — by the collector since it last ran on its own, or
/// allocated since the last trim (a quiet daemon's trickle of garbage: what outlives a young collection — a heartbeat's
/// or an SQS call's objects caught mid-flight — waits in the older generations for a full one) — one full compacting
/// collection returns the free pages to the system. Never
/// during a burst (each would be undone at once), at most once per <see cref="MinUnusedBytes"/> allocated or per
/// collection the runtime chose itself. Only in the daemon's own process
/// (<c>saltapibridge run</c>): a host that embeds the daemon (tests, the demo) owns its collector.
/// </summary>
internal sealed class HeapTrimmer(IManagedHeap heap, TimeProvider timeProvider, ILogger<HeapTrimmer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>Allocated within one <see cref="Interval"/> below this, the daemon is quiet (a burst of launches allocates tens of MB a second).</summary>
    public const long QuietBytes = 2L * 1024 * 1024;

    /// <summary>
    /// Below this, a trim is not worth a full blocking collection. With a thousand launches waiting, their trickle of
    /// garbage (visibility extensions, heartbeats, scrapes; what outlives the young collections) reaches it every
    /// 30–60 s: a 10–20 ms pause that keeps the daemon within ~2 MB of its live objects.
    /// </summary>
    public const long MinUnusedBytes = 2L * 1024 * 1024;

    private HeapReading? previous;
    private long trimmedAt = -1;
    private long allocatedAtTrim;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        Look();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                Look();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped with the daemon.
        }
    }

    /// <summary>One look at the heap (every <see cref="Interval"/>), trimming it when that is worth it; true when it did.</summary>
    public bool Look()
    {
        var now = heap.Read();
        var quiet = previous is { } last && now.AllocatedBytes - last.AllocatedBytes < QuietBytes;
        previous = now;
        var collectorKept = now.Collections > trimmedAt && now.UnusedBytes >= MinUnusedBytes;
        var garbageSince = now.AllocatedBytes - allocatedAtTrim >= MinUnusedBytes;
        if (!quiet || !(collectorKept || garbageSince))
            return false;

        var started = timeProvider.GetTimestamp();
        heap.Trim();
        var after = heap.Read();
        trimmedAt = after.Collections;
        allocatedAtTrim = after.AllocatedBytes;
        previous = after;
        HostingLog.HeapTrimmed(logger, Megabytes(now.CommittedBytes), Megabytes(now.ObjectBytes), Megabytes(after.CommittedBytes), timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    private static long Megabytes(long bytes) => bytes / (1024 * 1024);
}
