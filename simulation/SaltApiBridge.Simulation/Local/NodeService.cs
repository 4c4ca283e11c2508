using System.Diagnostics;
using System.Text.Json;

namespace SaltApiBridge.Simulation.Local;

/// <summary>
/// A pinned Node emulator from tools/&lt;name&gt; (fauxqs, dynalite) on a loopback port: installed with <c>npm ci</c>
/// on first use, started as <c>node start.mjs</c> (fixed program and arguments, no shell), its endpoint read from the
/// one JSON line it prints when ready, stopped by closing its standard input. Starting Node is the business of the
/// tests, the demo and the bench only: the daemon itself never starts a process.
/// </summary>
internal sealed class NodeService : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process process;

    private NodeService(Process process, string endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    /// <summary>tools/<paramref name="name"/> above the current directory or the binary, or null.</summary>
    public static string? FindDirectory(string name) =>
        LocalCheckout.Root() is { } root && File.Exists(Path.Combine(root, "tools", name, "start.mjs"))
            ? Path.Combine(root, "tools", name)
            : null;

    /// <summary>Installs <paramref name="package"/> when missing (npm ci), starts the launcher and waits for its endpoint.</summary>
    public static async Task<NodeService> StartAsync(
        string directory, string package, IReadOnlyDictionary<string, string> environment, Action<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!Directory.Exists(Path.Combine(directory, "node_modules", package)))
        {
            progress?.Invoke($"installing {package} (npm ci in tools/{Path.GetFileName(directory)})…");
            await RunToEndAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], directory, cancellationToken);
        }

        var start = new ProcessStartInfo("node", ["start.mjs"])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"{package} exited: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            var endpoint = JsonDocument.Parse(line).RootElement.GetProperty("endpoint").GetString()!;
            return new NodeService(process, endpoint);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Closing stdin asks the launcher to stop (and close its files); kill only if it does not.
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }

    private static async Task RunToEndAsync(string file, string[] arguments, string directory, CancellationToken cancellationToken)
    {
        // npm's own lines ("added 79 packages in 15s") would break into the caller's output: kept, and shown only on failure.
        using var install = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = install.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = install.StandardError.ReadToEndAsync(cancellationToken);
        await install.WaitForExitAsync(cancellationToken);
        if (install.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {install.ExitCode}: {await stdout}{await stderr}");
    }
}
