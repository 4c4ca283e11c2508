using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SaltApiBridge.Simulation.Local;

/// <summary>
/// Publishes the daemon as users install it (<c>dotnet publish -r linux-x64</c>: a Native AOT executable), for the
/// tests and the benchmarks that must run the real thing. Incremental: quick when nothing changed since the last one.
/// </summary>
internal static class NativeAotPublish
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    /// <summary>The portable runtime identifier of this machine (linux-x64, linux-arm64): what users publish for.</summary>
    private static string RuntimeIdentifier => "linux-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>Publishes for this machine's runtime (e.g. linux-x64) into <c>artifacts/aot</c> of this checkout and returns the executable's path.</summary>
    public static Task<string> PublishAsync(CancellationToken cancellationToken) =>
        PublishAsync(Path.Combine("src", "SaltApiBridge", "SaltApiBridge.csproj"), "aot", "saltapibridge", cancellationToken);

    /// <summary>
    /// Publishes <paramref name="project"/> (relative to the checkout) for this machine's runtime into
    /// <c>artifacts/<paramref name="outputFolder"/></c> and returns the path of its <paramref name="executableName"/>.
    /// </summary>
    public static async Task<string> PublishAsync(string project, string outputFolder, string executableName, CancellationToken cancellationToken)
    {
        var repository = LocalCheckout.Root() ?? throw new InvalidOperationException("SaltApiBridge.sln not found: publish from a checkout");
        var output = Path.Combine(repository, "artifacts", outputFolder);
        project = Path.Combine(repository, project);
        var start = new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-r", RuntimeIdentifier, "-o", output, "-nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var publish = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start");
        var stdout = publish.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = publish.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await publish.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            publish.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"dotnet publish (Native AOT) did not finish within {Timeout}");
        }

        if (publish.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish (Native AOT) failed with {publish.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
        var executable = Path.Combine(output, executableName);
        return File.Exists(executable) ? executable : throw new InvalidOperationException($"dotnet publish left no {executable}");
    }
}
