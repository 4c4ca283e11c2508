using System.Diagnostics;
using System.Text.Json;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// Start to answering: from starting the process to its first 200 on <c>GET /healthz</c>, for the published daemon
/// (a valid configuration, a reachable queue, salt-api and Auto Scaling) and for the smallest Native AOT web host
/// (<c>WebApplication.CreateSlimBuilder</c>, one endpoint), started alternately so both see the same machine.
/// </summary>
internal static class StartBenchmark
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Polled this often: a busy loop would take a core from the process being timed (2 cores here).
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    public sealed record Result(IReadOnlyList<TimeSpan> Daemon, IReadOnlyList<TimeSpan> Minimal)
    {
        public TimeSpan DaemonMedian => Median(Daemon);

        public TimeSpan MinimalMedian => Median(Minimal);

        public double Ratio => DaemonMedian / MinimalMedian;
    }

    public static async Task<Result> RunAsync(FauxqsEmulator emulator, string daemon, string minimal, int starts)
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
            ["Health"] = new Dictionary<string, object> { ["Urls"] = url },
        });

        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(5) };
        DaemonProcess StartDaemon(string url) => DaemonProcess.Start(daemon, ["run"], Configuration(url));
        DaemonProcess StartMinimal(string url) => DaemonProcess.Start(minimal, ["--urls", url]);
        // Once each untimed: the executables into the page cache, the harness's own HTTP path warmed up.
        await TimeToHealthzAsync(StartDaemon, http);
        await TimeToHealthzAsync(StartMinimal, http);
        var daemonTimes = new List<TimeSpan>();
        var minimalTimes = new List<TimeSpan>();
        for (var i = 0; i < starts; i++)
        {
            daemonTimes.Add(await TimeToHealthzAsync(StartDaemon, http));
            minimalTimes.Add(await TimeToHealthzAsync(StartMinimal, http));
        }

        return new Result(daemonTimes, minimalTimes);
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

    private static TimeSpan Median(IReadOnlyList<TimeSpan> times)
    {
        var sorted = times.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
