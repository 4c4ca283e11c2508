using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace SaltApiBridge.Simulation;

/// <summary>
/// A reply a real Salt 3006.10 master (rest_cherrypy) sent, as captured in the checkout's <c>fixtures/salt-api/NN-name.json</c>
/// (embedded): status, headers in server order, body text and how long it took.
/// </summary>
internal sealed record CapturedReply(
    string Name, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body, TimeSpan Elapsed)
{
    private const string ResourcePrefix = "transcripts/";
    private static readonly ConcurrentDictionary<string, CapturedReply> Cache = new(StringComparer.Ordinal);

    /// <summary>The names of the embedded transcripts ("01-login", …).</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. typeof(CapturedReply).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^".json".Length])
            .Order(StringComparer.Ordinal)];

    /// <summary>By number ("01") or full name ("01-login").</summary>
    public static CapturedReply Load(string numberOrName) => Cache.GetOrAdd(numberOrName, Read);

    private static CapturedReply Read(string numberOrName)
    {
        var name = Names.SingleOrDefault(n => n == numberOrName || n.StartsWith(numberOrName + "-", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"no embedded salt-api transcript '{numberOrName}'");
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + name + ".json")!;
        using var document = JsonDocument.Parse(stream);
        var response = document.RootElement.GetProperty("response");
        return new CapturedReply(
            name,
            response.GetProperty("status").GetInt32(),
            [.. response.GetProperty("headers").EnumerateObject().Select(h => new KeyValuePair<string, string>(h.Name, h.Value.GetString() ?? ""))],
            // The event-stream captures (50, 54) hold a stream of events instead of one body.
            response.TryGetProperty("body_raw", out var body) && body.ValueKind == JsonValueKind.String ? body.GetString()! : "",
            response.TryGetProperty("elapsed_seconds", out var elapsed) ? TimeSpan.FromSeconds(elapsed.GetDouble()) : TimeSpan.Zero);
    }
}
