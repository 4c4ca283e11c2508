using System.Text.Json.Serialization;

namespace SaltApiBridge.Status;

/// <summary>Generated serializer for <c>GET /status</c>, written by the daemon and read by <c>saltapibridge status</c>.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
