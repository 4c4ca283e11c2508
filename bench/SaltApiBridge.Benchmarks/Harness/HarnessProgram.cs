using System.Globalization;
using System.Text;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// The end-to-end measurements BenchmarkDotNet cannot make (a separate emulator process, minutes of wall time):
/// pipeline throughput against the raw SQS floor, the storm makespan, memory. Prints markdown; with
/// <c>--out DIR</c> also writes DIR/results.md and DIR/storm.svg.
/// </summary>
internal static class HarnessProgram
{
    public static readonly string[] Names = ["pipeline", "storm", "master", "store", "memory", "harness"];

    public static async Task<int> RunAsync(string[] args)
    {
        var what = args[0];
        var outDirectory = Option(args, "--out");
        var quick = args.Contains("--quick");
        var report = new StringBuilder();
        void Say(string line)
        {
            Console.WriteLine(line);
            report.AppendLine(line);
        }

        var directory = FauxqsEmulator.FindDirectory() ?? throw new InvalidOperationException("tools/fauxqs not found: run from the repository");
        await using var emulator = await FauxqsEmulator.StartAsync(directory, Console.WriteLine, CancellationToken.None);
        Say($"# SaltApiBridge measurements ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}{(quick ? ", --quick" : "")})");
        Say("");

        if (what is "pipeline" or "harness")
        {
            var result = await PipelineThroughput.RunAsync(emulator, messages: quick ? 2_000 : 10_000, pollers: 4, rounds: quick ? 1 : 2);
            Say("## Pipeline throughput (instant Salt and Auto Scaling) vs the raw SQS floor");
            Say("");
            Say("| messages | pollers | raw receive+delete (msg/s) | whole pipeline (msg/s) | ratio | target |");
            Say("|---:|---:|---:|---:|---:|---|");
            Say($"| {result.Messages} | {result.Pollers} | {result.RawPerSecond:F0} | {result.PipelinePerSecond:F0} | {result.Ratio:P0} | ≥ 80 % {(result.Ratio >= 0.8 ? "✓" : "✗")} |");
            Say("");
        }

        if (what is "storm" or "harness")
        {
            var limits = Option(args, "--limits")?.Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray()
                ?? (quick ? [32, 128] : [16, 32, 64, 128]);
            var compression = double.Parse(Option(args, "--compression") ?? "30", CultureInfo.InvariantCulture);
            var results = await StormBenchmark.RunAsync(emulator, launches: quick ? 200 : 1000, timeScale: 1 / compression, limits, seed: 42);
            var fixedCost = await StormBenchmark.FixedCostAsync(emulator, launches: quick ? 200 : 1000, limit: 32);
            Say($"## Scale-out storm: {results[0].Launches} launches, log-normal highstates (median 90 s, σ 0.6), time compressed {compression}×");
            Say("");
            Say("| MaxInFlight | makespan | ideal | makespan / ideal | one at a time | slowest highstate | model, real time | target |");
            Say("|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var r in results)
            {
                var model = StormBenchmark.Model(r.RealDurations, r.Limit, fixedCost);
                Say($"| {r.Limit} | {Seconds(r.Makespan)} | {Seconds(r.Ideal)} | {r.VersusIdeal:F3} | {Seconds(r.Serial)} | {Seconds(r.Slowest)} | {model:F3} | ≤ 1.1 {(r.VersusIdeal <= 1.1 ? "✓" : "✗")} |");
            }

            Say("");
            Say($"Real-world equivalent: multiply the times by {compression}. The daemon listens to the simulated master's event stream (a job is acted on at its return event) and its timeouts and safety looks run on the compressed clock; HTTP and SQS round trips are not compressed, so they weigh {compression}× more here than in production.");
            Say($"Fixed cost per launch, everything but the highstate ({results[0].Launches} instant highstates through 32 slots): {fixedCost.TotalMilliseconds:F0} ms. "
                + $"\"Model, real time\": the real highstates, each seen done {StormBenchmark.EventLatency.TotalMilliseconds:F0} ms after it ends (the event stream's bound), plus that fixed cost, list-scheduled on the same slots, over the ideal.");
            Say("");
            if (outDirectory is not null)
            {
                Directory.CreateDirectory(outDirectory);
                await File.WriteAllTextAsync(Path.Combine(outDirectory, "storm.svg"), StormChart.Svg(results));
            }
        }

        if (what is "master" or "harness")
        {
            var launches = int.Parse(Option(args, "--launches") ?? (quick ? "16" : "64"), CultureInfo.InvariantCulture);
            var compression = double.Parse(Option(args, "--compression") ?? "30", CultureInfo.InvariantCulture);
            // The build before the event stream first (it polls), then this one: same launches, same seed.
            var polling = await MasterCostBenchmark.RunAsync(emulator, launches, compression, stream: false, seed: 7);
            var listening = await MasterCostBenchmark.RunAsync(emulator, launches, compression, stream: true, seed: 7);
            var twoMasters = await MasterCostBenchmark.RunAsync(emulator, launches, compression, stream: true, seed: 7, masters: 2);
            Say($"## What a scale-out costs the Salt master: {launches} launches at once, time compressed {compression}×");
            Say("");
            Say("Per launch: calls that make the master work, and the master CPU they cost by the measured prices (fixtures/salt-api/README.md: "
                + $"GET /jobs {MasterCostBenchmark.JobPollCost} s, jobs.lookup_jid {MasterCostBenchmark.LookupJidCost} s, test.ping {MasterCostBenchmark.PingCost} s, "
                + $"key.name_match {MasterCostBenchmark.NameMatchCost} s; key.finger, not measured, priced as key.name_match); and the time from a highstate's return event to the bridge acting on it.");
            Say("");
            Say("| build | GET /jobs | jobs.lookup_jid | test.ping | key.name_match | key.finger | modelled master CPU | return → acted (p50 / p95 / max) | makespan (real-world equivalent) |");
            Say("|---|---:|---:|---:|---:|---:|---:|---|---:|");
            // Polling's detection delay is the job-poll cadence, compressed here: real-world it is that many times longer.
            Say($"| {polling.Build} | {polling.JobPolls:F2} | {polling.Lookups:F2} | {polling.Pings:F2} | {polling.NameMatches:F2} | {polling.Fingers:F2} | {polling.MasterCpu:F2} s "
                + $"| {Ms(polling.LatencyMedian * compression)} / {Ms(polling.LatencyP95 * compression)} / {Ms(polling.LatencyMax * compression)} (real-world: the poll cadence) | {Seconds(polling.Makespan)} |");
            foreach (var row in new[] { listening, twoMasters })
            {
                Say($"| {row.Build} | {row.JobPolls:F2} | {row.Lookups:F2} | {row.Pings:F2} | {row.NameMatches:F2} | {row.Fingers:F2} | {row.MasterCpu:F2} s "
                    + $"| {Ms(row.LatencyMedian)} / {Ms(row.LatencyP95)} / {Ms(row.LatencyMax)} | {Seconds(row.Makespan)} |");
            }

            Say("");
            Say($"Targets with the stream up: no GET /jobs {(listening.JobPolls == 0 ? "✓" : "✗")}; at most one test.ping per launch {(listening.Pings <= 1 ? "✓" : "✗")}; "
                + $"≤ 0.3 modelled master CPU-s per launch {(listening.MasterCpu <= 0.3 ? "✓" : "✗")} (polling: {polling.MasterCpu:F2} s, {polling.MasterCpu / Math.Max(listening.MasterCpu, 0.001):F1}×); "
                + $"acted on within 250 ms of the return event (max {Ms(listening.LatencyMax)}) {(listening.LatencyMax <= TimeSpan.FromMilliseconds(250) ? "✓" : "✗")}.");
            Say($"Two masters: {twoMasters.MasterCpu:F2} modelled CPU-s per launch over both ({twoMasters.MasterCpu / twoMasters.Masters:F2} per master), "
                + $"{twoMasters.MasterCpu / Math.Max(listening.MasterCpu, 0.001):F1}× one master's; {twoMasters.Highstates} highstates for {twoMasters.Launches} launches "
                + $"{(twoMasters.Highstates == twoMasters.Launches ? "✓" : "✗")}; no GET /jobs {(twoMasters.JobPolls == 0 ? "✓" : "✗")}.");
            Say("The event-stream latency is measured as is (events are not compressed); the polling latency is measured on the compressed clock and scaled back. "
                + "Makespans are scaled back too, but include uncompressed round trips, so they flatter neither side.");
            Say("");
        }

        if (what is "store" or "harness")
            await StoreReport.RunAsync(emulator, quick, Say);

        if (what is "memory" or "harness")
            await MemoryReport.RunAsync(emulator, name => Option(args, name) ?? (args.Contains(name) ? "" : null), quick, Say);

        if (outDirectory is not null)
        {
            Directory.CreateDirectory(outDirectory);
            await File.WriteAllTextAsync(Path.Combine(outDirectory, "results.md"), report.ToString());
        }

        return 0;
    }

    /// <summary>Appends BenchmarkDotNet's GitHub-markdown tables (parser, salt-api client overhead) to the results file.</summary>
    public static async Task AppendBenchmarkDotNetAsync(string resultsFile, IEnumerable<BenchmarkDotNet.Reports.Summary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var text = new StringBuilder();
        foreach (var summary in summaries)
        {
            var report = Directory.GetFiles(summary.ResultsDirectoryPath, "*-report-github.md")
                .FirstOrDefault(f => Path.GetFileName(f).StartsWith(summary.Title.Split('-')[0], StringComparison.Ordinal));
            if (report is null)
                continue;
            text.AppendLine(CultureInfo.InvariantCulture, $"## {summary.BenchmarksCases.FirstOrDefault()?.Descriptor.Type.Name} (BenchmarkDotNet, short job)");
            text.AppendLine();
            text.AppendLine(await File.ReadAllTextAsync(report));
        }

        Console.WriteLine(text);
        await File.AppendAllTextAsync(resultsFile, text.ToString());
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s";

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms";

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
