using System.Diagnostics;
using SaltApiBridge.Salt.Events;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// What a scale-out costs the Salt master, with the event stream and with polling only (the build before it), in one
/// run: every call that makes the master work, counted per launch and priced by what each cost a real Salt 3006.10
/// master (fixtures/salt-api/README.md, cost table); and how soon after a highstate's return event the bridge acted.
/// The launches behave as transcript 50 shows a real one: the key arrives while the instance boots, the pending minion
/// retries every acceptance_wait_time (10 s), it is back 6.3 s after the accept, and its highstate is long-tailed.
/// </summary>
internal static class MasterCostBenchmark
{
    /// <summary>Master CPU-seconds per call, measured on a real master (2 cores, one minion).</summary>
    public const double JobPollCost = 1.44;

    public const double LookupJidCost = 1.62;

    public const double PingCost = 0.40;

    public const double NameMatchCost = 0.20;

    /// <summary>Not in the cost table: priced as key.name_match, the same wheel path (fixture 55 took 0.24 s, 44 0.20 s).</summary>
    public const double FingerCost = NameMatchCost;

    /// <summary>The daemon's own defaults, compressed with the rest.</summary>
    private static readonly EventStreamOptions Defaults = new();

    public sealed record Result(
        string Build, int Launches, double JobPolls, double Lookups, double Pings, double NameMatches, TimeSpan Makespan,
        TimeSpan LatencyMedian, TimeSpan LatencyP95, TimeSpan LatencyMax, double Fingers = 0, int Masters = 1, int Highstates = 0)
    {
        /// <summary>Modelled CPU-seconds per launch, over every master.</summary>
        public double MasterCpu => (JobPolls * JobPollCost) + (Lookups * LookupJidCost) + (Pings * PingCost) + (NameMatches * NameMatchCost) + (Fingers * FingerCost);
    }

    /// <param name="masters">More than one: as many hot/hot simulated masters over shared minions; calls are counted on all of them.</param>
    public static async Task<Result> RunAsync(FauxqsEmulator emulator, int launches, double compression, bool stream, int seed, int masters = 1)
    {
        var scale = 1 / compression;
        var random = new Random(seed);
        var highstates = Enumerable.Range(0, launches).ToDictionary(BenchMessages.MinionId, _ => LongTail.Sample(random, TimeSpan.FromSeconds(90), sigma: 0.6) * scale);
        // The instance boots for 20–40 s before its minion's key shows up.
        var boots = Enumerable.Range(0, launches).ToDictionary(BenchMessages.MinionId, _ => TimeSpan.FromSeconds(20 + (20 * random.NextDouble())) * scale);

        using var sqs = emulator.CreateSqsClient();
        var queue = await BenchQueue.CreateAsync(emulator, sqs, stream ? "master-stream" : "master-poll");
        // LatencyScale also compresses acceptance_wait_time (10 s) and the minion's reconnect after the accept (6.3 s).
        await using var set = new SimulatedMasters(masters);
        set.Minions.KeyArrivalDelay = minion => boots[minion];
        foreach (var master in set.Masters)
        {
            master.LatencyScale = scale;
            master.JobDuration = minion => highstates[minion];
        }

        var salt = set.Masters[0];
        await using var autoScaling = new SimulatedAutoScaling();
        for (var i = 0; i < launches; i++)
            autoScaling.AddInstance(BenchMessages.Group, BenchMessages.InstanceId(i), token: BenchMessages.Token(i));
        // Production settings, the stream's too, on the compressed clock.
        var settings = BenchDaemon.AgainstSimulators(salt.BaseUrl, autoScaling.Url, scale);
        settings["SaltApi:EventStream:Enabled"] = stream ? "true" : "false";
        if (masters > 1)
        {
            foreach (var (key, value) in set.DaemonSettings("saltapibridge", "bench"))
                settings[key] = value;
        }

        settings["SaltApi:EventStream:ProbeInterval"] = BenchDaemon.Compressed(Defaults.ProbeInterval.TotalSeconds, scale);
        settings["SaltApi:EventStream:SafetyPollInterval"] = BenchDaemon.Compressed(Defaults.SafetyPollInterval.TotalSeconds, scale);
        await using var app = BenchDaemon.Build(emulator, queue.Url, pollers: 4, maxInFlight: launches, settings);
        await app.StartAsync();
        if (stream)
        {
            // A daemon that has been running: its stream is proven (its probe came back) before the scale-out.
            while (!set.Masters.All(m => m.Calls.Any(c => c.What == "hook saltapibridge/stream/probe")))
                await Task.Delay(10);
            await Task.Delay(500);
        }

        var clock = Stopwatch.StartNew();
        await queue.FillAsync(BenchMessages.Launches(launches));
        var deadline = DateTime.UtcNow + TimeSpan.FromTicks(highstates.Values.Sum(d => d.Ticks)) + TimeSpan.FromMinutes(2);
        while (autoScaling.Completions.Count < launches)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"master cost: {autoScaling.Completions.Count} of {launches} launches completed before the deadline");
            await Task.Delay(10);
        }

        var makespan = clock.Elapsed;
        await app.StopAsync();
        if (set.Masters.SelectMany(m => m.Violations).FirstOrDefault() is { } violation)
            throw new InvalidOperationException("master cost: " + violation);

        var calls = set.Masters.SelectMany(m => m.Calls).ToList();
        double PerLaunch(string what) => (double)calls.Count(c => c.What == what) / launches;
        // From the highstate's return event to the bridge's next call about that minion (its `provisioned` event).
        var returns = set.Masters.SelectMany(m => m.Returns).Where(r => r.Function == "state.highstate").ToDictionary(r => r.MinionId, r => r.At);
        var latencies = calls.Where(c => c.What == "hook saltapibridge/provisioned" && c.MinionId is not null && returns.ContainsKey(c.MinionId))
            .Select(c => c.At - returns[c.MinionId!]).Order().ToList();
        var highstatesRun = Enumerable.Range(0, launches).Sum(i => set.Minions.StateRunsStarted(BenchMessages.MinionId(i), "state.highstate"));
        return new Result(
            masters > 1 ? $"event stream, {masters} hot/hot masters (calls on all of them)"
            : stream ? "event stream (this build)" : "polling only (`EventStream:Enabled=false`: the build before it)",
            launches, PerLaunch("jobs"), PerLaunch("runner jobs.lookup_jid"), PerLaunch("local test.ping"), PerLaunch("wheel key.name_match"),
            makespan / scale, Percentile(latencies, 0.5), Percentile(latencies, 0.95), latencies.Count == 0 ? TimeSpan.Zero : latencies[^1],
            PerLaunch("wheel key.finger"), masters, highstatesRun);
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
