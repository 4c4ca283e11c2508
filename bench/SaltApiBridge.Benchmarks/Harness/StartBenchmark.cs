using System.Diagnostics;
using System.Text.Json;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// Start to answering: from starting the process to its first 200 on <c>GET /healthz</c>, for the published daemon
/// (a valid configuration naming its group, a reachable queue, salt-api and Auto Scaling) and for the smallest Native AOT web host
/// (<c>WebApplication.CreateSlimBuilder</c>, one endpoint), started alternately so both see the same machine.
/// </summary>
internal static class StartBenchmark
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Polled this often: a busy loop would take a core from the process being timed (2 cores here).
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    /// <param name="Daemon">Each start of the daemon; <paramref name="Minimal"/>'s of the same index came right after it.</param>
    /// <param name="Baseline">Another build of the daemon (<c>--baseline</c>), started after those two; empty without one.</param>
    public sealed record Result(IReadOnlyList<TimeSpan> Daemon, IReadOnlyList<TimeSpan> Minimal, IReadOnlyList<TimeSpan> Baseline)
    {
        public TimeSpan DaemonMedian => Median(Daemon);

        public TimeSpan MinimalMedian => Median(Minimal);

        public double Ratio => DaemonMedian / MinimalMedian;

        /// <summary>
        /// The median of each start's ratio to the minimal host's next one: a pair sees the same machine, so a busy
        /// moment (other processes on 2 cores) weighs on both sides of it.
        /// </summary>
        public double PairedRatio => Daemon.Zip(Minimal, (d, m) => d / m).Order().ElementAt(Daemon.Count / 2);
    }

    public static async Task<Result> RunAsync(FauxqsEmulator emulator, string daemon, string minimal, int starts, string? baseline = null)
    {
        using var sqs = emulator.CreateSqsClient();
        var queue = await BenchQueue.CreateAsync(emulator, sqs, "start");
        await using var salt = new SimulatedSaltApi();
        await using var autoScaling = new SimulatedAutoScaling();
        string Configuration(string url) => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Queue"] = new Dictionary<string, object> { ["QueueUrl"] = queue.Url, ["ServiceUrl"] = emulator.Endpoint, ["Region"] = FauxqsEmulator.Region, ["WaitTimeSeconds"] = 1 },
            ["SaltApi"] = new Dictionary<string, object> { ["BaseUrl"] = salt.BaseUrl, ["Username"] = "saltapibridge", ["Password"] = "bench" },
            ["AutoScaling"] = new Dictionary<string, object> { ["Region"] = FauxqsEmulator.Region, ["ServiceUrl"] = autoScaling.Url },
            // As installed: the groups named, so the start checks their hooks (DescribeLifecycleHooks) as in production.
            ["Bridge"] = new Dictionary<string, object> { ["Groups"] = new[] { BenchMessages.Group } },
            ["Health"] = new Dictionary<string, object> { ["Urls"] = url },
        });

        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(5) };
        DaemonProcess StartDaemon(string url) => DaemonProcess.Start(daemon, ["run"], Configuration(url));
        DaemonProcess StartMinimal(string url) => DaemonProcess.Start(minimal, ["--urls", url]);
        DaemonProcess StartBaseline(string url) => DaemonProcess.Start(baseline, ["run"], Configuration(url));
        // Once each untimed: the executables into the page cache, the harness's own HTTP path warmed up.
        await TimeToHealthzAsync(StartDaemon, http);
        await TimeToHealthzAsync(StartMinimal, http);
        if (baseline is not null)
            await TimeToHealthzAsync(StartBaseline, http);
        var daemonTimes = new List<TimeSpan>();
        var minimalTimes = new List<TimeSpan>();
        var baselineTimes = new List<TimeSpan>();
        for (var i = 0; i < starts; i++)
        {
            daemonTimes.Add(await TimeToHealthzAsync(StartDaemon, http));
            minimalTimes.Add(await TimeToHealthzAsync(StartMinimal, http));
            if (baseline is not null)
                baselineTimes.Add(await TimeToHealthzAsync(StartBaseline, http));
        }

        return new Result(daemonTimes, minimalTimes, baselineTimes);
    }

    private static async Task<TimeSpan> TimeToHealthzAsync(Func<string, DaemonProcess> start, HttpClient http)
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var clock = Stopwatch.StartNew();
        await using var process = start(url);
        while (true)
        {
            try
            {
                using var reply = await http.GetAsync(new Uri(url + "/healthz"));
                if (reply.IsSuccessStatusCode)
                    return clock.Elapsed;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (process.HasExited || clock.Elapsed > Deadline)
                throw new InvalidOperationException($"no answer on {url}/healthz within {clock.Elapsed.TotalSeconds:F1} s; it wrote:{Environment.NewLine}{process.Output}");
            await Task.Delay(PollInterval);
        }
    }

    public static TimeSpan Median(IReadOnlyList<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
