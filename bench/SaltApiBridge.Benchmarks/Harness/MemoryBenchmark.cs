using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// The daemon's memory: its working set with N instances in flight at once (every highstate held open), and its
/// working set and managed heap sampled while a long stream of messages goes through.
/// </summary>
internal static partial class MemoryBenchmark
{
    /// <summary>How often the daemon's <c>/metrics</c> is read in the window: a common Prometheus scrape interval, so the
    /// bench adds no more garbage to the daemon than a real scrape would (its resident memory is read from /proc every second).</summary>
    public static readonly TimeSpan ScrapeInterval = TimeSpan.FromSeconds(15);

    /// <param name="Memory">Resident memory once a second over the window.</param>
    /// <param name="Heaps">The managed heap from <c>/metrics</c> every <see cref="ScrapeInterval"/> over the window.</param>
    /// <param name="TrimPauses">Each heap trim in the window (the daemon's log line), by how long its collection took.</param>
    public sealed record InFlightResult(int InFlight, TimeSpan Window, IReadOnlyList<ProcessMemory> Memory, IReadOnlyList<DaemonHeap> Heaps, IReadOnlyList<double> TrimPauses);

    public sealed record Sample(int Messages, long WorkingSetBytes, long ManagedBytes);

    /// <summary>
    /// The daemon in its own process with <paramref name="instances"/> launches in flight at once: the simulated
    /// salt-api holds every highstate open while the memory is sampled over <paramref name="window"/>. One sample is not
    /// enough: the daemon's heap trimmer gives memory back every ~20 s and the trickle of garbage (heartbeats, event
    /// waits, scrapes) builds it up again between trims.
    /// </summary>
    public static async Task<InFlightResult> InFlightAsync(FauxqsEmulator emulator, int instances, string? executable, TimeSpan window)
    {
        using var sqs = emulator.CreateSqsClient();
        var queue = await BenchQueue.CreateAsync(emulator, sqs, "inflight");
        await queue.FillAsync(BenchMessages.Launches(instances, first: 1_000_000));
        await using var salt = new SimulatedSaltApi { JobDuration = _ => TimeSpan.FromHours(1) };
        await using var autoScaling = new SimulatedAutoScaling();
        for (var i = 1_000_000; i < 1_000_000 + instances; i++)
            autoScaling.AddInstance(BenchMessages.Group, BenchMessages.InstanceId(i), token: BenchMessages.Token(i));
        var health = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        await using var daemon = DaemonProcess.Start(executable, ["run"], JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Queue"] = new Dictionary<string, object> { ["QueueUrl"] = queue.Url, ["ServiceUrl"] = emulator.Endpoint, ["Region"] = FauxqsEmulator.Region, ["Pollers"] = 10, ["WaitTimeSeconds"] = 1 },
            ["SaltApi"] = new Dictionary<string, object> { ["BaseUrl"] = salt.BaseUrl, ["Username"] = "saltapibridge", ["Password"] = "bench" },
            ["AutoScaling"] = new Dictionary<string, object> { ["Region"] = FauxqsEmulator.Region, ["ServiceUrl"] = autoScaling.Url },
            ["Pipeline"] = new Dictionary<string, object> { ["MaxInFlight"] = instances },
            ["Health"] = new Dictionary<string, object> { ["Urls"] = health.ToString().TrimEnd('/') },
            // The trimmer's own line (Debug) says when it trimmed and how long the collection took.
            ["Logging"] = new Dictionary<string, object> { ["LogLevel"] = new Dictionary<string, object> { ["Default"] = "Warning", [TrimmerCategory] = "Debug" } },
        }));
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (salt.Calls.Count(c => c.What == "local_async state.highstate") < instances)
        {
            if (daemon.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"only {salt.Calls.Count(c => c.What == "local_async state.highstate")} of {instances} highstates started; the daemon wrote:{Environment.NewLine}{daemon.Output}");
            await Task.Delay(200);
        }

        // Let the burst settle (the first trim comes a few seconds after it), then sample.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var trimsBefore = Trims(daemon.Output).Count;
        var memory = new List<ProcessMemory>();
        var heaps = new List<DaemonHeap>();
        var clock = Stopwatch.StartNew();
        var nextScrape = TimeSpan.Zero;
        for (var second = 0; second <= (int)window.TotalSeconds; second++)
        {
            var wait = TimeSpan.FromSeconds(second) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            if (daemon.HasExited)
                throw new InvalidOperationException($"the daemon exited while in flight; it wrote:{Environment.NewLine}{daemon.Output}");
            memory.Add(ProcessMemory.Of(daemon.Id));
            if (clock.Elapsed >= nextScrape && await DaemonHeap.ReadAsync(health) is { } heap)
            {
                heaps.Add(heap);
                nextScrape += ScrapeInterval;
            }
        }

        var trims = Trims(daemon.Output);
        return new InFlightResult(instances, window, memory, heaps, [.. trims.Skip(trimsBefore)]);
    }

    private const string TrimmerCategory = "SaltApiBridge.Hosting.HeapTrimmer";

    /// <summary>The pause of each trim the daemon logged so far (HostingLog.HeapTrimmed: "… now N MB (M ms)").</summary>
    private static List<double> Trims(string output) =>
        [.. output.Split('\n')
            .Where(line => line.Contains("Memory given back after a burst", StringComparison.Ordinal))
            .Select(line => TrimPause().Match(line))
            .Where(match => match.Success)
            .Select(match => double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"\((\d+) ms\)\s*$")]
    private static partial Regex TrimPause();

    /// <summary>
    /// A fleet that turns over: each slice launches new instances and ends the previous slice's (terminate
    /// notification, key deleted), so the live fleet stays the same size while the messages add up. What the daemon
    /// keeps per live instance (its provisioning record) is state, not growth; what it keeps per message must be none.
    /// </summary>
    public static async Task<IReadOnlyList<Sample>> StreamAsync(FauxqsEmulator emulator, int messages, int sampleEvery)
    {
        using var sqs = emulator.CreateSqsClient();
        var queue = await BenchQueue.CreateAsync(emulator, sqs, "stream");
        await using var app = BenchDaemon.Build(emulator, queue.Url, pollers: 4, maxInFlight: 64, salt: new InstantSaltMaster(), lifecycle: new InstantLifecycleActions());
        var settled = 0;
        app.Pipeline().Settled += _ => Interlocked.Increment(ref settled);
        await app.StartAsync();
        var samples = new List<Sample>();
        var perSlice = Math.Max(1, sampleEvery / 2);
        var first = 2_000_000;
        for (var sent = 0; sent < messages; sent += perSlice * 2)
        {
            // Fed in slices, so the emulator's backlog (another process) stays small and the run stays steady.
            await queue.FillAsync([.. BenchMessages.Launches(perSlice, first + sent), .. BenchMessages.Terminations(perSlice, first + sent - (perSlice * 2))]);
            while (Volatile.Read(ref settled) < sent + (perSlice * 2))
                await Task.Delay(20);
            samples.Add(new Sample(sent + (perSlice * 2), ProcessMemory.Of(Environment.ProcessId).Rss, LiveManagedBytes()));
        }

        await app.StopAsync();
        return samples;
    }

    /// <summary>
    /// Bytes of live objects after a full compacting collection. Not GC.GetTotalMemory: under the regions GC it can
    /// under-report gen0, even below zero (dotnet/runtime#106712; seen here as -1.2 MB).
    /// </summary>
    private static long LiveManagedBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }
}
