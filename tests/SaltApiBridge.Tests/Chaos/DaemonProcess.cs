using System.Collections.Concurrent;
using System.Diagnostics;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// <c>saltapibridge run --config FILE</c> as a child process (the build puts the daemon's dll beside the tests), with
/// AWS credentials in its environment as on a real host, and every line it writes (JSON console logs) kept.
/// </summary>
internal sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private DaemonProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Lines => [.. lines];

    public bool HasExited => process.HasExited;

    public static DaemonProcess Start(string configFile, string awsSecretKey)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "saltapibridge.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException("the daemon is not beside the tests (the test project references src/SaltApiBridge)", dll);
        // The dotnet CLI tells its children where it is; outside it, the one on PATH.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in new[] { dll, "run", "--config", configFile })
            start.ArgumentList.Add(argument);
        start.Environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = awsSecretKey;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        return new DaemonProcess(Process.Start(start) ?? throw new InvalidOperationException("the daemon did not start"));
    }

    /// <summary>SIGKILL: no drain, no release, no logout; in-flight messages come back after their visibility timeout.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
            await KillAsync();
        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
            lines.Enqueue(line);
    }
}
