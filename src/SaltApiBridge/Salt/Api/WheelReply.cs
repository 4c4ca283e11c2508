using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary>The wheel envelope: <c>return[0] = {tag, data}</c>.</summary>
internal sealed record WheelReply(
    [property: JsonPropertyName("tag")] string? Tag,
    [property: JsonPropertyName("data")] WheelData? Data);
