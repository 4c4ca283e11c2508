using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary><c>return[0]</c> of <c>local_async</c>: <c>{jid, minions}</c>, or <c>{}</c> (both null) when no accepted key matched.</summary>
internal sealed record AsyncJobReply(
    [property: JsonPropertyName("jid")] string? Jid,
    [property: JsonPropertyName("minions")] IReadOnlyList<string>? Minions);
