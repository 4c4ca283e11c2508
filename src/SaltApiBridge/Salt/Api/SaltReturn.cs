using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary>salt-api's usual reply: <c>{"return": [one entry per lowstate]}</c>.</summary>
internal sealed record SaltReturn<T>([property: JsonPropertyName("return")] IReadOnlyList<T>? Return)
{
    /// <summary>The entry of the one lowstate sent, if any.</summary>
    [JsonIgnore]
    public T? First => Return is { Count: > 0 } entries ? entries[0] : default;
}
