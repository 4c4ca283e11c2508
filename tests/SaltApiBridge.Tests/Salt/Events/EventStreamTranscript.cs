using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>
/// Transcript 50: <c>GET /events</c> on a real Salt 3006.10 master over a whole launch and terminate. Each event's
/// <c>raw</c> is the wire text including the HTTP chunk framing; <see cref="Body"/> is the stream as the reader sees
/// it once the framing is removed (the HTTP stack does that).
/// </summary>
internal sealed class EventStreamTranscript
{
    private static readonly Lazy<EventStreamTranscript> Loaded = new(Load);

    private EventStreamTranscript(byte[] body, IReadOnlyList<CapturedEvent> events)
    {
        Body = body;
        Events = events;
    }

    public static EventStreamTranscript Instance => Loaded.Value;

    /// <summary>The de-chunked stream: <c>retry: 400</c>, then <c>tag:</c>/<c>data:</c> lines and blank lines.</summary>
    public byte[] Body { get; }

    public IReadOnlyList<CapturedEvent> Events { get; }

    /// <summary>The first captured event with this tag (and, if given, this <c>data.data</c> property value).</summary>
    public CapturedEvent First(string tag, string? property = null, string? value = null) =>
        Events.First(e => e.Tag == tag && (property is null || e.Data["data"]?[property]?.ToString() == value));

    /// <summary>An event as salt-api writes it: <c>tag: …</c>, <c>data: {"data": …, "tag": …}</c>, a blank line.</summary>
    public static string SseText(string tag, JsonNode data) =>
        $"tag: {tag}\ndata: {new JsonObject { ["data"] = data.DeepClone(), ["tag"] = tag }.ToJsonString()}\n\n";

    private static EventStreamTranscript Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(RepoFixtures.Path("salt-api", "50-events-stream-launch-to-delete.json")));
        var events = doc.RootElement.GetProperty("events").EnumerateArray().ToList();
        var chunked = Encoding.UTF8.GetBytes(string.Concat(events.Select(e => e.GetProperty("raw").GetString())));
        var body = Dechunk(chunked);
        var captured = events.Select(e => new CapturedEvent(
                e.GetProperty("t").GetDouble(),
                e.GetProperty("tag").GetString()!,
                JsonNode.Parse(e.GetProperty("data").GetRawText())!))
            .ToList();
        return new EventStreamTranscript(body, captured);
    }

    /// <summary>
    /// Removes HTTP/1.1 chunked framing (<c>CRLF size CRLF bytes</c>). The parts are split at CRLF rather than counted:
    /// SSE lines end in LF and JSON never holds a raw CR, and one capture (the highstate's return, kept to 1000
    /// characters) holds fewer bytes than its chunk header says.
    /// </summary>
    private static byte[] Dechunk(byte[] chunked)
    {
        var parts = Encoding.UTF8.GetString(chunked).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var output = new StringBuilder();
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            _ = Convert.ToInt32(parts[i], 16);
            output.Append(parts[i + 1]);
        }

        return Encoding.UTF8.GetBytes(output.ToString());
    }
}
