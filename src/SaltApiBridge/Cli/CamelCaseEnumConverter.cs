using System.Text.Json;
using System.Text.Json.Serialization;

namespace SaltApiBridge.Cli;

/// <summary>An enum written as its camelCase name, usable from <see cref="JsonSourceGenerationOptionsAttribute.Converters"/> (which needs a parameterless constructor).</summary>
internal sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
