using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace SaltApiBridge.Tests.NativeAot;

/// <summary>The published executable in its own process, its output kept; configuration through a JSON file, AWS credentials through the environment (the SDK's chain).</summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly string? configFile;
    private readonly ConcurrentQueue<string> lines = new();

    private DaemonProcess(Process process, string? configFile)
    {
        this.process = process;
        this.configFile = configFile;
    }

    public static DaemonProcess Start(string executable, IReadOnlyList<string> arguments, object? configuration = null)
    {
        string? configFile = null;
        var all = arguments.ToList();
        if (configuration is not null)
        {
            configFile = Path.Combine(Path.GetTempPath(), $"saltapibridge-aot-{Guid.NewGuid():N}.json");
            File.WriteAllText(configFile, JsonSerializer.Serialize(configuration));
            all.AddRange(["--config", configFile]);
        }

        var start = new ProcessStartInfo(executable, all)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        var process = Process.Start(start) ?? throw new InvalidOperationException(executable + " did not start");
        var daemon = new DaemonProcess(process, configFile);
        process.OutputDataReceived += (_, e) => daemon.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Everything it wrote so far, stdout and stderr interleaved.</summary>
    public string Output => string.Join(Environment.NewLine, lines);

    /// <summary>Its exit code, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(deadline.Token);
        // The asynchronous readers may still be delivering the last lines.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>What systemd does on <c>systemctl stop</c>.</summary>
    public async Task SigtermAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        if (configFile is not null)
            File.Delete(configFile);
    }

    private void Keep(string? line)
    {
        if (line is not null)
            lines.Enqueue(line);
    }
}
