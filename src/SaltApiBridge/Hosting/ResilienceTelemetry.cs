using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace SaltApiBridge.Hosting;

/// <summary>
/// The telemetry of the bridge's HTTP resilience pipelines (salt-api per master, Auto Scaling): every Polly event
/// (each attempt, retry, circuit change) at Debug, without the exception text and stack trace Polly adds at Warning;
/// retries and circuit openings counted in <see cref="RetryMetrics"/>. An outage is the bridge's own line, once
/// (<see cref="DependencyOutages"/>).
/// </summary>
public static class ResilienceTelemetry
{
    /// <summary>The telemetry options for the pipeline of <paramref name="dependency"/>: the shared ones, quiet and counted.</summary>
    public static TelemetryOptions Quiet(IServiceProvider services, string dependency)
    {
        ArgumentNullException.ThrowIfNull(services);
        // A copy of the shared options keeps their logger factory, result formatter and enrichers.
        var options = new TelemetryOptions(services.GetRequiredService<IOptions<TelemetryOptions>>().Value)
        {
            SeverityProvider = args => args.Event.Severity == ResilienceEventSeverity.None ? ResilienceEventSeverity.None : ResilienceEventSeverity.Debug,
        };
        options.TelemetryListeners.Add(new RetryCounter(services.GetRequiredService<RetryMetrics>(), dependency));
        return options;
    }
}
