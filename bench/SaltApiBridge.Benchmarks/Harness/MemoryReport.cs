using System.Globalization;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// The harness's <c>memory</c> run: the published daemon's memory with N launches in flight (and the JIT build's for
/// comparison), its start to answering <c>/healthz</c> against the smallest Native AOT web host, and the managed heap
/// over a long stream of messages.
/// </summary>
internal static class MemoryReport
{
    private const long TargetRss = 48L * 1024 * 1024;
    private const double TargetStartRatio = 1.25;

    /// <param name="options">
    /// <c>--in-flight N</c>, <c>--window SECONDS</c> (how long the memory is sampled with them in flight; 90 s by default, so that the window holds a round of visibility renewals, due 60–70 s after the receive at the defaults), <c>--daemon PATH</c> and <c>--minimal PATH</c> (published executables instead of publishing),
    /// <c>--baseline PATH</c> (another published build measured beside it, e.g. the previous release), <c>--no-jit</c> (skip
    /// the JIT build's row), <c>--starts N</c> (0 skips the start measurement), <c>--messages N</c> (0 skips the stream).
    /// </param>
    public static async Task RunAsync(FauxqsEmulator emulator, Func<string, string?> options, bool quick, Action<string> say)
    {
        var instances = int.Parse(options("--in-flight") ?? (quick ? "200" : "1000"), CultureInfo.InvariantCulture);
        var window = TimeSpan.FromSeconds(int.Parse(options("--window") ?? (quick ? "20" : "90"), CultureInfo.InvariantCulture));
        // The daemon as installed (the Native AOT publish), and for comparison the same code on the shared framework.
        var published = options("--daemon") ?? await PublishAsync("the daemon", NativeAotPublish.PublishAsync(CancellationToken.None));
        var aot = await MemoryBenchmark.InFlightAsync(emulator, instances, published, window);
        var jit = options("--no-jit") is null ? await MemoryBenchmark.InFlightAsync(emulator, instances, executable: null, window) : null;
        // Another published build, for a before/after on the same machine in the same run.
        var baseline = options("--baseline");
        var before = baseline is null ? null : await MemoryBenchmark.InFlightAsync(emulator, instances, baseline, window);
        say("## Memory");
        say("");
        say($"The daemon in its own process (`saltapibridge run`), {instances} launches in flight at once (highstates held open by the simulated salt-api), "
            + $"held for {window.TotalSeconds:F0} s after the burst settled (5 s): resident memory from `/proc/<pid>/status` once a second, "
            + $"the managed heap from the daemon's `/metrics` every {MemoryBenchmark.ScrapeInterval.TotalSeconds:F0} s (the runtime's figures at its last collection, garbage not yet collected included), "
            + "the heap trims from the daemon's log. Each cell is the median / the maximum over the window; **the target is judged on the maximum**.");
        say("");
        say("| build | working set (RSS) | anonymous | file-backed | shared (JIT code) | peak (VmHWM) | managed heap after the last GC | GC committed | heap trims (pause median / max) | target |");
        say("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        void Row(string build, MemoryBenchmark.InFlightResult r, string target)
        {
            string Spread(Func<ProcessMemory, long> field) => MedianMax(r.Memory.Select(field));
            var pauses = r.TrimPauses.Count == 0 ? "" : $" ({Median(r.TrimPauses):F0} / {r.TrimPauses.Max():F0} ms)";
            say($"| {build} | {Spread(m => m.Rss)} | {Spread(m => m.Anonymous)} | {Spread(m => m.File)} | {Spread(m => m.Shared)} | {Mb(r.Memory[^1].PeakRss)} "
                + $"| {(r.Heaps.Count > 0 ? MedianMax(r.Heaps.Select(h => h.HeapBytes)) : "—")} | {(r.Heaps.Count > 0 ? MedianMax(r.Heaps.Select(h => h.CommittedBytes)) : "—")} "
                + $"| {r.TrimPauses.Count} in {r.Window.TotalSeconds:F0} s{pauses} | {target} |");
        }

        var worst = aot.Memory.Max(m => m.Rss);
        Row("published, Native AOT (as installed)", aot, $"≤ 48 MB at the maximum {(worst <= TargetRss ? "✓" : "✗")}");
        if (before is not null)
            Row($"`--baseline` ({baseline})", before, "");
        if (jit is not null)
            Row("`dotnet saltapibridge.dll` (JIT, for comparison)", jit, "");
        say("");
        say($"RSS over the window, MB, once a second (published): {string.Join(" ", aot.Memory.Select(m => (m.Rss / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture)))}");
        say("");

        var starts = int.Parse(options("--starts") ?? (quick ? "5" : "15"), CultureInfo.InvariantCulture);
        if (starts > 0)
        {
            var minimal = options("--minimal") ?? await PublishAsync("the minimal web host", NativeAotPublish.PublishAsync(
                Path.Combine("bench", "MinimalWebHost", "MinimalWebHost.csproj"), "minimal-web-host", "minimal-web-host", CancellationToken.None));
            var start = await StartBenchmark.RunAsync(emulator, published, minimal, starts, baseline);
            say($"## Start to answering `/healthz` (median of {starts} starts each, alternated)");
            say("");
            say("| executable | median | fastest | slowest |");
            say("|---|---:|---:|---:|");
            say($"| `saltapibridge run` (published, Native AOT) | {Ms(start.DaemonMedian)} | {Ms(start.Daemon.Min())} | {Ms(start.Daemon.Max())} |");
            say($"| minimal Native AOT web host (`CreateSlimBuilder`, one endpoint) | {Ms(start.MinimalMedian)} | {Ms(start.Minimal.Min())} | {Ms(start.Minimal.Max())} |");
            if (start.Baseline.Count > 0)
                say($"| `--baseline` ({baseline}) | {Ms(StartBenchmark.Median(start.Baseline))} | {Ms(start.Baseline.Min())} | {Ms(start.Baseline.Max())} |");
            say("");
            say($"The daemon takes {start.Ratio:F2}× the minimal host's start by the medians (target ≤ {TargetStartRatio:F2}× {(start.Ratio <= TargetStartRatio ? "✓" : "✗")}); "
                + $"{start.PairedRatio:F2}× by the median of the paired starts, {start.Daemon.Min() / start.Minimal.Min():F2}× by the fastest of each.");
            say("");
        }

        var streamed = int.Parse(options("--messages") ?? (quick ? "20000" : "100000"), CultureInfo.InvariantCulture);
        if (streamed > 0)
        {
            say("## Managed heap over a stream of messages");
            say("");
            say("A stream of messages through the pipeline (instant Salt and Auto Scaling, in the harness's process), the fleet turning over (each slice launches new instances and terminates the previous slice's): managed heap after a full GC, and the process's working set.");
            say("");
            say("| after | working set | managed heap |");
            say("|---|---:|---:|");
            var samples = await MemoryBenchmark.StreamAsync(emulator, messages: streamed, sampleEvery: Math.Max(1, streamed / 10));
            foreach (var s in samples)
                say($"| {s.Messages} messages | {Mb(s.WorkingSetBytes)} | {Mb(s.ManagedBytes)} |");
            var growth = samples[^1].ManagedBytes - samples[0].ManagedBytes;
            say("");
            say($"Managed heap from the first to the last sample: {(growth >= 0 ? "+" : "")}{Mb(growth)} (target: flat).");
            say("");
        }
    }

    /// <summary>A Native AOT publish from this checkout (incremental when nothing changed).</summary>
    private static async Task<string> PublishAsync(string what, Task<string> publish)
    {
        Console.WriteLine($"publishing {what} (Native AOT)…");
        return await publish;
    }

    private static string MedianMax(IEnumerable<long> values)
    {
        var all = values.ToList();
        return $"{Mb((long)Median(all.Select(v => (double)v)))} / {Mb(all.Max())}";
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms";
}
