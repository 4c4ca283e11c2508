using System.Diagnostics.Metrics;

namespace SaltApiBridge.Hosting;

/// <summary>
/// What the resilience pipelines did between a call and its answer, counted instead of logged:
/// <c>saltapibridge_retries{dependency,outcome}</c> (an attempt failed and was tried again; the outcome is the failed
/// attempt's: <c>connection_error</c>, <c>timeout</c>, <c>http_503</c>, …) and
/// <c>saltapibridge_circuit_opened{dependency}</c> (calls to it are paused for a while). Dependencies are named as in
/// <see cref="DependencyOutages"/>.
/// </summary>
public sealed class RetryMetrics
{
    private readonly Counter<long> retries;
    private readonly Counter<long> circuitOpened;

    public RetryMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = BridgeMeter.Create(meterFactory);
        retries = meter.CreateCounter<long>("retries", description: "Attempts that failed and were tried again, by dependency and the failed attempt's outcome");
        circuitOpened = meter.CreateCounter<long>("circuit_opened", description: "Times the circuit of a dependency opened (its calls paused), by dependency");
    }

    public void Retried(string dependency, string outcome) =>
        retries.Add(1, new KeyValuePair<string, object?>("dependency", dependency), new KeyValuePair<string, object?>("outcome", outcome));

    public void CircuitOpened(string dependency) =>
        circuitOpened.Add(1, new KeyValuePair<string, object?>("dependency", dependency));
}
