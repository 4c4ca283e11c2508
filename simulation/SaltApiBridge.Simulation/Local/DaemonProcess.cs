using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace SaltApiBridge.Simulation.Local;

/// <summary>
/// <c>saltapibridge</c> in a process of its own, as users run it, for the tests and benchmarks that must see the real
/// process: a published executable, or this build's saltapibridge.dll on the shared framework. Settings come from a
/// temporary JSON file, AWS credentials from the environment (the SDK's chain); everything it writes is kept.
/// </summary>
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

    /// <param name="executable">A published executable; null runs saltapibridge.dll beside the caller with <c>dotnet</c>.</param>
    /// <param name="arguments">The command and its options.</param>
    /// <param name="configurationJson">Settings, passed as <c>--config FILE</c>; null passes none.</param>
    public static DaemonProcess Start(string? executable, IReadOnlyList<string> arguments, string? configurationJson = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string? configFile = null;
        var all = arguments.ToList();
        if (configurationJson is not null)
        {
            configFile = Path.Combine(Path.GetTempPath(), $"saltapibridge-{Guid.NewGuid():N}.json");
            File.WriteAllText(configFile, configurationJson);
            all.AddRange(["--config", configFile]);
        }

        var start = executable is null
            ? new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "saltapibridge.dll"), .. all])
            : new ProcessStartInfo(Path.GetFullPath(executable), all);
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["AWS_ACCESS_KEY_ID"] = DemoCredentials.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = DemoCredentials.SecretAccessKey;
        var process = Process.Start(start) ?? throw new InvalidOperationException((executable ?? "dotnet") + " did not start");
        var daemon = new DaemonProcess(process, configFile);
        // Drained as it comes, so it never blocks on a full pipe.
        process.OutputDataReceived += (_, e) => daemon.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => daemon.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Everything it wrote so far, stdout and stderr interleaved.</summary>
    public string Output => string.Join(Environment.NewLine, lines);

    /// <summary>Its exit code, waiting up to <paramref name="timeout"/>; a <see cref="TimeoutException"/> with its output after that.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"still running after {timeout}; it wrote:{Environment.NewLine}{Output}");
        }

        // The output readers may still be delivering the last lines.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>What systemd sends on <c>systemctl stop</c>.</summary>
    public async Task SigtermAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("kill did not start");
        await kill.WaitForExitAsync(cancellationToken);
    }

    /// <summary>SIGKILL: no drain, no release, no logout — a host that dies.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
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
