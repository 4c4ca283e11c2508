using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary>One lowstate entry of <c>POST /</c>. Unset keys are left out of the JSON, as Salt expects.</summary>
internal sealed record Lowstate(
    [property: JsonPropertyName("client")] string Client,
    [property: JsonPropertyName("fun")] string Fun)
{
    [JsonPropertyName("tgt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Tgt { get; init; }

    [JsonPropertyName("tgt_type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TgtType { get; init; }

    [JsonPropertyName("arg")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Arg { get; init; }

    [JsonPropertyName("kwarg")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? Kwarg { get; init; }

    /// <summary>A string for <c>key.name_match</c>, a dict <c>{keydir: [ids]}</c> for the exact <c>*_dict</c> functions.</summary>
    [JsonPropertyName("match")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonNode? Match { get; init; }

    /// <summary>With <c>key.accept_dict</c>: also move keys listed under <c>minions_rejected</c> (transcript 06 shows the flags).</summary>
    [JsonPropertyName("include_rejected")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IncludeRejected { get; init; }

    [JsonPropertyName("include_denied")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IncludeDenied { get; init; }

    /// <summary>With <c>local_async</c>: the jid to publish under, chosen by the caller (transcript 47).</summary>
    [JsonPropertyName("jid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Jid { get; init; }

    [JsonPropertyName("timeout")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Timeout { get; init; }

    [JsonPropertyName("gather_job_timeout")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? GatherJobTimeout { get; init; }
}
