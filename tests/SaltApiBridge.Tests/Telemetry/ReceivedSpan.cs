namespace SaltApiBridge.Tests.Telemetry;

/// <summary>One span as an OTLP exporter sent it: ids in lower-case hex (the parent's empty for a root).</summary>
/// <param name="Kind">OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.</param>
/// <param name="StatusCode">OTLP's StatusCode: 0 unset, 1 ok, 2 error.</param>
internal sealed record ReceivedSpan(
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    ulong StartUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    int StatusCode,
    string? StatusMessage,
    string Scope,
    IReadOnlyDictionary<string, object?> Resource)
{
    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}
