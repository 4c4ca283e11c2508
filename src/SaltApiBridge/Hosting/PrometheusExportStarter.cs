using Microsoft.Extensions.Hosting;
using Prometheus;

namespace SaltApiBridge.Hosting;

/// <summary>
/// prometheus-net connects its meter adapter only at the first scrape, dropping everything counted before it
/// (prometheus-net issue 487). This starts it with the host, limited to the bridge's meter (the runtime's process and
/// event-counter metrics stay), so <c>/metrics</c> counts from the first message.
/// </summary>
internal sealed class PrometheusExportStarter : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Metrics.ConfigureMeterAdapter(options => options.InstrumentFilterPredicate = instrument => instrument.Meter.Name == BridgeMeter.Name);
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
