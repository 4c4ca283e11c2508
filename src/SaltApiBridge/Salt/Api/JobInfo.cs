using System.Text.Json;
using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary>
/// <c>info[0]</c> of <c>GET /jobs/{jid}</c>. <see cref="Result"/> gains <c>{id: {return, retcode, success, out}}</c> as
/// each minion returns; the job is done once every id of <see cref="Minions"/> is a key of it.
/// An unknown jid is still HTTP 200, with <see cref="Error"/> set.
/// </summary>
internal sealed record JobInfo(
    [property: JsonPropertyName("jid")] string? Jid,
    [property: JsonPropertyName("Function")] string? Function,
    [property: JsonPropertyName("Minions")] IReadOnlyList<string>? Minions,
    [property: JsonPropertyName("Result")] Dictionary<string, JsonElement>? Result,
    [property: JsonPropertyName("Error")] string? Error);
