using System.Text.Json.Serialization;

namespace SaltApiBridge.Cli;

/// <summary>Generated serializer for <c>explain</c>'s output (enums by name, nulls left out).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(Explanation))]
internal sealed partial class ExplainJsonContext : JsonSerializerContext;
