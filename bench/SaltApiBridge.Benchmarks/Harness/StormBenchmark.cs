using System.Diagnostics;
using System.Globalization;
using SaltApiBridge.Demo;
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
    }

    public static async Task<IReadOnlyList<Result>> RunAsync(FauxqsEmulator emulator, int launches, double timeScale, IReadOnlyList<int> limits, int seed)
    {
        var random = new Random(seed);
        var durations = Enumerable.Range(0, launches)
            .Select(_ => TimeSpan.FromSeconds(90 * Math.Exp(0.6 * Gaussian(random)) * timeScale))
            .ToArray();
        var results = new List<Result>();
        foreach (var limit in limits)
            results.Add(await RunOneAsync(emulator, durations, timeScale, limit));
        return results;
    }

    private static async Task<Result> RunOneAsync(FauxqsEmulator emulator, TimeSpan[] durations, double timeScale, int limit)
    {
        using var sqs = emulator.CreateSqsClient();
        var queue = await BenchQueue.CreateAsync(emulator, sqs, "storm");
        await queue.FillAsync(BenchMessages.Launches(durations.Length));
        var byMinion = Enumerable.Range(0, durations.Length).ToDictionary(BenchMessages.MinionId, i => durations[i]);
        await using var salt = new SimulatedSaltApi { JobDuration = minion => byMinion[minion] };
        await using var autoScaling = new SimulatedAutoScaling();
        string Scaled(double seconds) => TimeSpan.FromSeconds(seconds * timeScale).ToString("c", CultureInfo.InvariantCulture);
        await using var app = BenchDaemon.Build(emulator, queue.Url, pollers: 4, maxInFlight: limit, new Dictionary<string, string?>
        {
            ["SaltApi:BaseUrl"] = salt.BaseUrl,
            ["AutoScaling:ServiceUrl"] = autoScaling.Url,
            // The production polling cadence, on the storm's clock.
            ["SaltApi:KeyPollInterval"] = Scaled(2),
            ["SaltApi:KeyPollMaxInterval"] = Scaled(15),
            ["SaltApi:ReachablePollInterval"] = Scaled(1),
            ["SaltApi:ReachablePollMaxInterval"] = Scaled(5),
            ["SaltApi:JobPollInterval"] = Scaled(2),
            ["SaltApi:JobPollMaxInterval"] = Scaled(15),
        });
        var clock = Stopwatch.StartNew();
        await app.StartAsync();
        while (autoScaling.Completions.Count < durations.Length)
            await Task.Delay(10);
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

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
