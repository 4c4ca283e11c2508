using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// The daemon as users run it, in its own process (<c>saltapibridge run --config</c>), so its memory is its own and not
/// the harness's. AWS credentials come from its environment, as with the SDK's chain in production.
/// </summary>
internal sealed class ChildDaemon : IAsyncDisposable
{
    private readonly Process process;
    private readonly string configFile;
    private readonly ConcurrentQueue<string> lastLines = new();

    private ChildDaemon(Process process, string configFile)
    {
        this.process = process;
        this.configFile = configFile;
    }

    /// <param name="configuration">The daemon's settings, written to a temporary JSON file.</param>
    /// <param name="executable">A published daemon (e.g. the Native AOT binary); null runs this build's saltapibridge.dll on the shared framework.</param>
    public static ChildDaemon Start(IReadOnlyDictionary<string, object> configuration, string? executable = null)
    {
        var configFile = Path.Combine(Path.GetTempPath(), $"saltapibridge-bench-{Guid.NewGuid():N}.json");
        File.WriteAllText(configFile, JsonSerializer.Serialize(configuration));
        var start = executable is null
            ? new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "saltapibridge.dll"), "run", "--config", configFile])
            : new ProcessStartInfo(Path.GetFullPath(executable), ["run", "--config", configFile]);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDBENCH";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "bench-secret";
        var process = Process.Start(start) ?? throw new InvalidOperationException("the daemon did not start");
        var daemon = new ChildDaemon(process, configFile);
        // Drain its output so it never blocks on a full pipe; keep the tail to say why it stopped.
        process.OutputDataReceived += (_, e) => daemon.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Resident set size now and at its peak, from /proc (Linux).</summary>
    public (long Rss, long PeakRss) Memory()
    {
        long Read(string field)
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        return (Read("VmRSS"), Read("VmHWM"));
    }

    /// <summary>RSS by kind: anonymous (heaps, stacks), file-backed (mapped assemblies, shared with other .NET processes), shared memory.</summary>
    public string Breakdown() =>
        string.Join(", ", File.ReadLines($"/proc/{process.Id}/status")
            .Where(l => l.StartsWith("RssAnon", StringComparison.Ordinal) || l.StartsWith("RssFile", StringComparison.Ordinal) || l.StartsWith("RssShmem", StringComparison.Ordinal))
            .Select(l => string.Join(' ', l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))));

    public bool HasExited => process.HasExited;

    /// <summary>The last lines the daemon wrote (stdout and stderr).</summary>
    public string LastOutput => string.Join(Environment.NewLine, lastLines);

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lastLines.Enqueue(line);
        while (lastLines.Count > 20)
            lastLines.TryDequeue(out _);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        File.Delete(configFile);
    }
}
