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
    /// <c>--in-flight N</c>, <c>--daemon PATH</c> and <c>--minimal PATH</c> (published executables instead of publishing),
    /// <c>--baseline PATH</c> (another published build measured beside it, e.g. the previous release), <c>--no-jit</c> (skip
    /// the JIT build's row), <c>--starts N</c> (0 skips the start measurement), <c>--messages N</c> (0 skips the stream).
    /// </param>
    public static async Task RunAsync(FauxqsEmulator emulator, Func<string, string?> options, bool quick, Action<string> say)
    {
        var instances = int.Parse(options("--in-flight") ?? (quick ? "200" : "1000"), CultureInfo.InvariantCulture);
        // The daemon as installed (the Native AOT publish), and for comparison the same code on the shared framework.
        var published = options("--daemon") ?? await PublishAsync("the daemon", NativeAotPublish.PublishAsync(CancellationToken.None));
        var aot = await MemoryBenchmark.InFlightAsync(emulator, instances, published);
        var jit = options("--no-jit") is null ? await MemoryBenchmark.InFlightAsync(emulator, instances, executable: null) : null;
        // Another published build, for a before/after on the same machine in the same run.
        var baseline = options("--baseline");
        var before = baseline is null ? null : await MemoryBenchmark.InFlightAsync(emulator, instances, baseline);
        say("## Memory");
        say("");
        say($"The daemon in its own process (`saltapibridge run`), {instances} launches in flight at once (highstates held open by the simulated salt-api); "
            + "resident memory from `/proc/<pid>/status`, the managed heap from the daemon's `/metrics` (the runtime's figures at its last collection, garbage not yet collected included):");
        say("");
        say("| build | working set (RSS) | peak (VmHWM) | anonymous | file-backed | shared (JIT code) | managed heap (after the last GC / GC committed) | target |");
        say("|---|---:|---:|---:|---:|---:|---:|---|");
        void Row(string build, MemoryBenchmark.InFlightResult r, string target) =>
            say($"| {build} | {Mb(r.Memory.Rss)} | {Mb(r.Memory.PeakRss)} | {Mb(r.Memory.Anonymous)} | {Mb(r.Memory.File)} | {Mb(r.Memory.Shared)} "
                + $"| {(r.Heap is { } heap ? $"{Mb(heap.HeapBytes)} / {Mb(heap.CommittedBytes)}" : "—")} | {target} |");
        Row("published, Native AOT (as installed)", aot, $"≤ 48 MB {(aot.Memory.Rss <= TargetRss ? "✓" : "✗")}");
        if (before is not null)
            Row($"`--baseline` ({baseline})", before, "");
        if (jit is not null)
            Row("`dotnet saltapibridge.dll` (JIT, for comparison)", jit, "");
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

    private static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " MB";

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms";
}
