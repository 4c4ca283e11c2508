using System.Text.Json;
using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary>
/// <c>data</c> of the wheel envelope. <see cref="Return"/> is the function's result, or, when <see cref="Success"/>
/// is false, a string holding the exception text and a Python traceback.
/// </summary>
internal sealed record WheelData(
    [property: JsonPropertyName("fun")] string? Fun,
    [property: JsonPropertyName("jid")] string? Jid,
    [property: JsonPropertyName("return")] JsonElement Return,
    [property: JsonPropertyName("success")] bool Success);
