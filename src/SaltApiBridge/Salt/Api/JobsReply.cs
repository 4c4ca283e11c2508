using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary><c>GET /jobs/{jid}</c>: <c>{"info": [job], "return": [...]}</c>; only <c>info</c> carries retcodes.</summary>
internal sealed record JobsReply([property: JsonPropertyName("info")] IReadOnlyList<JobInfo>? Info)
{
    [JsonIgnore]
    public JobInfo? First => Info is { Count: > 0 } jobs ? jobs[0] : null;
}
