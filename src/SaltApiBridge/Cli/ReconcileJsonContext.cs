using System.Text.Json.Serialization;
using SaltApiBridge.Reconcile;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Cli;

/// <summary>Generated serializer for <c>reconcile --json</c> (finding kinds and key states in camelCase).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters = [typeof(CamelCaseEnumConverter<FindingKind>), typeof(CamelCaseEnumConverter<MinionKeyState>)])]
[JsonSerializable(typeof(ReconcileReport))]
internal sealed partial class ReconcileJsonContext : JsonSerializerContext;
