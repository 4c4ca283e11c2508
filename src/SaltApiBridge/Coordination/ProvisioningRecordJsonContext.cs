using System.Text.Json.Serialization;

namespace SaltApiBridge.Coordination;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProvisioningRecord))]
internal sealed partial class ProvisioningRecordJsonContext : JsonSerializerContext;
