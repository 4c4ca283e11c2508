using System.Text.Json.Nodes;

namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>One event of transcript 50: seconds since the stream opened, its tag, and its data <c>{tag, data}</c>.</summary>
internal sealed record CapturedEvent(double T, string Tag, JsonNode Data)
{
    /// <summary>The event's <c>data.data</c>: what salt-api sends as the event's payload.</summary>
    public JsonNode Payload => Data["data"]!;
}
