using OpenTelemetry.Exporter;

namespace SaltApiBridge.Telemetry;

/// <summary>Where each lifecycle action's trace goes (configuration section "Telemetry"); nowhere by default.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// The OTLP collector that receives the traces, e.g. <c>http://127.0.0.1:4318</c> (http/protobuf; <c>/v1/traces</c>
    /// is added to a URL without a path) or <c>http://127.0.0.1:4317</c> with <see cref="OtlpProtocol"/> Grpc. Empty
    /// (the default): no traces, and no OpenTelemetry SDK set up at all.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>HttpProtobuf (the default) or Grpc.</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.HttpProtobuf;

    /// <summary>The endpoint as the exporter takes it: null when tracing is off or the URL is not one.</summary>
    public Uri? ExportEndpoint()
    {
        if (string.IsNullOrWhiteSpace(OtlpEndpoint)
            || !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
            return null;
        // The exporter takes a URL it is given as the whole address; OTEL_EXPORTER_OTLP_ENDPOINT's convention is the base.
        return OtlpProtocol == OtlpExportProtocol.HttpProtobuf && url.AbsolutePath == "/" ? new Uri(url, "v1/traces") : url;
    }
}
