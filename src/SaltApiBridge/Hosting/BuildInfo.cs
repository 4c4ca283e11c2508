using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace SaltApiBridge.Hosting;

/// <summary>
/// <c>saltapibridge_build_info{version,commit} 1</c>: which build runs, for dashboards and for telling replicas apart
/// during an upgrade. A hosted service only so the host creates it with the daemon's other instruments.
/// </summary>
internal sealed class BuildInfo : IHostedService
{
    public BuildInfo(IMeterFactory? meterFactory = null)
        : this(BuildVersion.Current, meterFactory)
    {
    }

    public BuildInfo(BuildVersion build, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        KeyValuePair<string, object?>[] labels = [new("version", build.Version), new("commit", build.Commit)];
        BridgeMeter.Create(meterFactory).CreateObservableGauge(
            "build_info", () => new Measurement<int>(1, labels), description: "Always 1; the labels name the running build's version and commit");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
