using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary>The reply of <c>POST /hook/{tag}</c>: <c>{"success": true}</c>.</summary>
internal sealed record HookReply([property: JsonPropertyName("success")] bool Success);
