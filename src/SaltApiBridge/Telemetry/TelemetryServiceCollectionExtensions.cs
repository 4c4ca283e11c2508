using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SaltApiBridge.Coordination;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The service name traces carry (<c>service.name</c>); the replica is <c>service.instance.id</c>.</summary>
    public const string ServiceName = "saltapibridge";

    /// <summary>
    /// The Telemetry options (validated at start) and, only when <c>Telemetry:OtlpEndpoint</c> is set, OpenTelemetry's
    /// tracer for <see cref="ActionTrace"/>'s source with the OTLP exporter (batched, off the work's path). Unset, no
    /// part of the SDK is registered: nothing listens, and no span is ever created.
    /// </summary>
    public static IServiceCollection AddBridgeTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.SectionName)).ValidateWith<TelemetryOptions, TelemetryOptionsValidator>();
        var options = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.SectionName).Bind(options);
        // An invalid endpoint is the validator's line at start; nothing is set up for it meanwhile.
        if (options.ExportEndpoint() is not { } endpoint)
            return services;
        var coordination = new CoordinationOptions();
        configuration.GetSection(CoordinationOptions.SectionName).Bind(coordination);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                ServiceName, serviceVersion: BuildVersion.Current.Version, autoGenerateServiceInstanceId: false, serviceInstanceId: coordination.EffectiveReplicaName))
            .WithTracing(tracing => tracing
                .AddSource(ActionTrace.SourceName)
                .AddOtlpExporter(exporter =>
                {
                    exporter.Endpoint = endpoint;
                    exporter.Protocol = options.OtlpProtocol;
                }));
        return services;
    }

    /// <summary>
    /// JSON log lines carry their scopes (an action's instance, minion and message ids; its trace and span ids while
    /// traced) unless <c>Logging:Console:FormatterOptions:IncludeScopes</c> says otherwise. The simple and systemd lines
    /// keep theirs off: one short line per entry, and their text already names the instance and minion.
    /// </summary>
    public static ILoggingBuilder AddScopesToJsonLines(this ILoggingBuilder logging, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration["Logging:Console:FormatterOptions:IncludeScopes"] is null)
            logging.Services.Configure<JsonConsoleFormatterOptions>(options => options.IncludeScopes = true);
        // The slim host leaves these off: a traced action's lines then name its trace (read only while a span is current).
        logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        return logging;
    }
}
