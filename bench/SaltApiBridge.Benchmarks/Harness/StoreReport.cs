using System.Globalization;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// The DynamoDB store's table (harness <c>store</c>): requests per launch by operation, the makespan with two replicas
/// against one on the same slots, and the requests of a daemon at rest with 1000 finished instances' records.
/// </summary>
internal static class StoreReport
{
    private const double Compression = 30;
    private const int InFlight = 32;
    private const int Seed = 42;

    public static async Task RunAsync(FauxqsEmulator emulator, bool quick, Action<string> say)
    {
        var directory = DynaliteEmulator.FindDirectory() ?? throw new InvalidOperationException("tools/dynalite not found: run from the repository");
        await using var dynalite = await DynaliteEmulator.StartAsync(directory, Console.WriteLine, CancellationToken.None);
        var launches = quick ? 100 : 200;
        var known = quick ? 300 : 1000;
        var restWindow = TimeSpan.FromSeconds(quick ? 20 : 60);
        var highstates = StoreBenchmark.Highstates(launches, 1 / Compression, Seed);
        var one = await StoreBenchmark.RunAsync(emulator, dynalite, highstates, 1 / Compression, replicas: 1, InFlight, TimeSpan.Zero);
        var two = await StoreBenchmark.RunAsync(emulator, dynalite, highstates, 1 / Compression, replicas: 2, InFlight, TimeSpan.Zero);
        // Instant highstates (the cadences compressed 1000×): the table filled with finished launches fast, then left alone.
        var full = await StoreBenchmark.RunAsync(emulator, dynalite, new TimeSpan[known], 0.001, replicas: 1, InFlight, restWindow);

        say($"## DynamoDB coordination store (dynalite): requests per launch, two replicas against one, reads at rest");
        say("");
        say("Every request the table got, counted at its endpoint by operation (SDK retries included), from the first message sent until the queue was empty, per launch; "
            + "capacity units as the daemons counted them from DynamoDB's replies.");
        say("");
        var runs = new[] { ("1 replica", one), ("2 replicas", two), ($"1 replica, instant highstates", full) };
        var operations = runs.SelectMany(r => r.Item2.Calls.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        say($"| run | launches | {string.Join(" | ", operations)} | all | read units | write units |");
        say($"|---|---:|{string.Concat(operations.Select(_ => "---:|"))}---:|---:|---:|");
        foreach (var (name, run) in runs)
        {
            say($"| {name} | {run.Launches} | {string.Join(" | ", operations.Select(o => F2(run.PerLaunch(o))))} | {F2(run.TotalPerLaunch)} "
                + $"| {F2(run.ReadUnits / run.Launches)} | {F2(run.WriteUnits / run.Launches)} |");
        }

        say("");
        // Lease renewals: the highstates run 30× faster here, the lease does not (its minimum, 5 s, is above 30 s / 30), so
        // the run renews almost never where production renews every third of the lease for as long as the work lasts.
        var lease = new SaltApiBridge.Coordination.CoordinationOptions().LeaseDuration;
        var renewEvery = lease / 3;
        var inRun = Renewals(highstates, renewEvery);
        var real = Renewals([.. highstates.Select(h => h * Compression)], renewEvery);
        say($"Lease renewals: each launch holds its instance's lease (default {lease.TotalSeconds:F0} s) for as long as it works and renews it (one UpdateItem) every {renewEvery.TotalSeconds:F0} s. "
            + $"The highstates here take 1/{Compression} of their time, the lease does not, so the counts above hold only the renewals the compressed clock leaves room for, ~{F2(inRun)} per launch. "
            + $"The same highstates in real time (median 90 s) take **{F2(real)} renewals per launch** (⌊highstate ÷ {renewEvery.TotalSeconds:F0} s⌋, averaged): "
            + $"**{F2(one.TotalPerLaunch - inRun + real)} requests per launch** with one replica, {F2(two.TotalPerLaunch - inRun + real)} with two. "
            + $"Production adds a renewal for every further {renewEvery.TotalSeconds:F0} s a launch waits, e.g. for its minion's key (20–40 s while it boots: 2–4 more).");
        say("");
        var ratio = two.Makespan / one.Makespan;
        say($"Makespan of the same {launches} launches (log-normal highstates, median 90 s, σ 0.6, compressed {Compression}×) with {InFlight} in flight in all: "
            + $"1 replica {Seconds(one.Makespan)} ({one.Makespan / one.Ideal:F3} × ideal), 2 replicas of {InFlight / 2} each {Seconds(two.Makespan)} ({two.Makespan / two.Ideal:F3} × ideal): "
            + $"**{ratio:F3}×** (target ≤ 1.05 {(ratio <= 1.05 ? "✓" : "✗")}).");
        var restReads = full.Rest.Where(c => StoreBenchmark.ReadOperations.Contains(c.Key)).ToList();
        var perMinute = restReads.Sum(c => c.Value) / restWindow.TotalMinutes;
        var restWrites = full.Rest.Where(c => !StoreBenchmark.ReadOperations.Contains(c.Key)).ToList();
        say($"At rest, {full.Launches} finished instances' records in the table, the default lease ({lease.TotalSeconds:F0} s: a takeover look every {(lease / 3).TotalSeconds:F0} s), over {restWindow.TotalSeconds:F0} s: "
            + $"**{perMinute:F1} read requests per minute** ({Listed(restReads)}), {full.RestReadUnits / restWindow.TotalMinutes:F1} read units per minute; "
            + $"{restWrites.Sum(c => c.Value) / restWindow.TotalMinutes:F1} write requests per minute ({Listed(restWrites)}).");
        say("");
    }

    /// <summary>Renewals per launch of a lease held for each highstate: one every <paramref name="renewEvery"/> while it runs.</summary>
    private static double Renewals(TimeSpan[] highstates, TimeSpan renewEvery) =>
        highstates.Average(h => Math.Floor(h / renewEvery));

    private static string Listed(IEnumerable<KeyValuePair<string, long>> calls) =>
        calls.Any() ? string.Join(", ", calls.Select(c => $"{c.Key} {c.Value}")) : "none";

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";
}
