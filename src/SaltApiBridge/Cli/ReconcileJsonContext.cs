using System.Text.Json.Serialization;
using SaltApiBridge.Reconcile;

namespace SaltApiBridge.Cli;

/// <summary>Generated serializer for <c>reconcile --json</c> (finding kinds in camelCase).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters = [typeof(CamelCaseEnumConverter<FindingKind>)])]
[JsonSerializable(typeof(ReconcileReport))]
internal sealed partial class ReconcileJsonContext : JsonSerializerContext;
