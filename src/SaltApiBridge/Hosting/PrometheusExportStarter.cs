using Microsoft.Extensions.Hosting;
using Prometheus;

namespace SaltApiBridge.Hosting;

/// <summary>
/// prometheus-net connects its meter adapter only at the first scrape, dropping everything counted before it
/// (prometheus-net issue 487). This starts it with the host, limited to the bridge's meter and the runtime's managed
/// heap at its last collection (the runtime's process and event-counter metrics stay), so <c>/metrics</c> counts from
/// the first message.
/// </summary>
internal sealed class PrometheusExportStarter : IHostedService
{
    /// <summary>The runtime's meter; of it only <c>dotnet.gc.last_collection.*</c>: the heap by generation, its fragmentation, the GC's committed memory.</summary>
    private const string RuntimeMeter = "System.Runtime";

    // The adapter is the process's, not the host's: configured again by a second host in the same process (the tests
    // run several daemons at once), it would drop every series the first one had counted.
    private static readonly Lock AdapterGate = new();
    private static bool adapterConfigured;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (AdapterGate)
        {
            if (!adapterConfigured)
            {
                Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = Exported);
                adapterConfigured = true;
            }
        }

        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken);
    }

    internal static bool Exported(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.Meter.Name == BridgeMeter.Name
        || (instrument.Meter.Name == RuntimeMeter && instrument.Name.StartsWith("dotnet.gc.last_collection.", StringComparison.Ordinal));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
