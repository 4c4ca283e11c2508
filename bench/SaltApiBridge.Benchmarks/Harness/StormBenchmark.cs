using System.Diagnostics;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// A scale-out storm: N launches at once, each highstate drawn from a long-tailed (log-normal) distribution and
/// time-scaled, through the real daemon, emulator and HTTP simulators. The makespan is compared with the ideal — the
/// same highstates on the same number of slots with zero overhead (list scheduling in arrival order) — and with
/// one-at-a-time processing.
/// </summary>
internal static class StormBenchmark
{
    public sealed record Result(int Launches, int Limit, TimeSpan Makespan, TimeSpan Ideal, TimeSpan Serial, TimeSpan Slowest)
    {
        public double VersusIdeal => Makespan / Ideal;

        /// <summary>The real-world highstates (before compression), for the model.</summary>
        public IReadOnlyList<TimeSpan> RealDurations { get; init; } = [];
    }

    /// <summary>The production job-poll cadence (SaltApi:JobPollInterval doubling up to SaltApi:JobPollMaxInterval).</summary>
    public static readonly (TimeSpan First, TimeSpan Max) Cadence = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));

    /// <summary>
    /// Real-time makespan over ideal predicted from the highstates alone: each job is seen done within
    /// <see cref="EventLatency"/> of its end (its return event), plus a fixed per-launch cost (HTTP and SQS round trips,
    /// measured separately). Before the event stream, the job-poll cadence above took its place.
    /// </summary>
    public static double Model(IReadOnlyList<TimeSpan> realDurations, int limit, TimeSpan fixedCost) =>
        ListSchedule([.. realDurations.Select(d => Detected(d) + fixedCost)], limit) / ListSchedule(realDurations, limit);

    /// <summary>Per-launch cost of everything but the highstate: the storm with instant highstates, makespan × limit / launches.</summary>
    public static async Task<TimeSpan> FixedCostAsync(FauxqsEmulator emulator, int launches, int limit)
    {
        // A compressed clock makes the first job poll come at once: what is left is round trips and queueing.
        var result = await RunOneAsync(emulator, [.. Enumerable.Repeat(TimeSpan.Zero, launches)], 0.001, limit);
        return result.Makespan * limit / launches;
    }

    /// <summary>How soon the bridge acts on a job's return event at most (the target; the `master` run measures it).</summary>
    public static readonly TimeSpan EventLatency = TimeSpan.FromMilliseconds(250);

    private static TimeSpan Detected(TimeSpan duration) => duration + EventLatency;

    public static async Task<IReadOnlyList<Result>> RunAsync(FauxqsEmulator emulator, int launches, double timeScale, IReadOnlyList<int> limits, int seed)
    {
        var random = new Random(seed);
        var durations = Enumerable.Range(0, launches)
            .Select(_ => LongTail.Sample(random, TimeSpan.FromSeconds(90), sigma: 0.6) * timeScale)
            .ToArray();
        var results = new List<Result>();
        foreach (var limit in limits)
            results.Add(await RunOneAsync(emulator, durations, timeScale, limit) with { RealDurations = [.. durations.Select(d => d / timeScale)] });
        return results;
    }

    private static async Task<Result> RunOneAsync(FauxqsEmulator emulator, TimeSpan[] durations, double timeScale, int limit)
    {
        using var sqs = emulator.CreateSqsClient();
        var queue = await BenchQueue.CreateAsync(emulator, sqs, "storm");
        var byMinion = Enumerable.Range(0, durations.Length).ToDictionary(BenchMessages.MinionId, i => durations[i]);
        await using var salt = new SimulatedSaltApi { JobDuration = minion => byMinion[minion] };
        await using var autoScaling = new SimulatedAutoScaling();
        // Auto Scaling knows the instances it launches: the accept gate asks it before any key is accepted.
        for (var i = 0; i < durations.Length; i++)
            autoScaling.AddInstance(BenchMessages.Group, BenchMessages.InstanceId(i), token: BenchMessages.Token(i));
        await using var app = BenchDaemon.Build(
            emulator, queue.Url, pollers: 4, maxInFlight: limit, BenchDaemon.AgainstSimulators(salt.BaseUrl, autoScaling.Url, timeScale));
        // The daemon is up before the storm, as in production; the storm arrives as fast as the emulator takes it.
        await app.StartAsync();
        var clock = Stopwatch.StartNew();
        await queue.FillAsync(BenchMessages.Launches(durations.Length));
        var deadline = DateTime.UtcNow + TimeSpan.FromTicks(durations.Sum(d => d.Ticks)) + TimeSpan.FromMinutes(2);
        while (autoScaling.Completions.Count < durations.Length)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"storm: {autoScaling.Completions.Count} of {durations.Length} launches completed before the deadline");
            await Task.Delay(10);
        }

        var makespan = clock.Elapsed;
        await app.StopAsync();
        if (salt.Violations.Count > 0)
            throw new InvalidOperationException("storm: " + string.Join("; ", salt.Violations.Take(3)));
        return new Result(durations.Length, limit, makespan, ListSchedule(durations, limit),
            TimeSpan.FromTicks(durations.Sum(d => d.Ticks)), durations.Max());
    }

    /// <summary>Each job in arrival order starts on the slot that frees first: what the limit allows with zero overhead.</summary>
    internal static TimeSpan ListSchedule(IReadOnlyList<TimeSpan> durations, int slots)
    {
        var free = new PriorityQueue<int, TimeSpan>();
        for (var i = 0; i < slots; i++)
            free.Enqueue(i, TimeSpan.Zero);
        var makespan = TimeSpan.Zero;
        foreach (var duration in durations)
        {
            free.TryDequeue(out var slot, out var at);
            var end = at + duration;
            makespan = end > makespan ? end : makespan;
            free.Enqueue(slot, end);
        }

        return makespan;
    }

}
