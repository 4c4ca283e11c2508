using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// One captured salt-api exchange from <c>fixtures/salt-api/NN-name.json</c>: the request as curl sent it and
/// the response exactly as the real master wrote it (status, headers in server order and case, body byte for byte).
/// </summary>
internal sealed record SaltApiTranscript(
    string Name,
    string Title,
    string RequestMethod,
    string RequestPath,
    string? RequestBodyRaw,
    int Status,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    string ResponseBodyRaw)
{
    private static readonly ConcurrentDictionary<string, SaltApiTranscript> Cache = new(StringComparer.Ordinal);

    /// <summary>The response body as the master sent it (the fixture's <c>body_raw</c>, UTF-8).</summary>
    public byte[] ResponseBody => Encoding.UTF8.GetBytes(ResponseBodyRaw);

    /// <summary>The request body (the fixture's <c>body_raw</c>) parsed, for comparing shapes.</summary>
    public JsonDocument? RequestBody => RequestBodyRaw is { Length: > 0 } raw ? JsonDocument.Parse(raw) : null;

    public string? ResponseHeader(string name) =>
        ResponseHeaders.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Loads a transcript by its number ("01") or full name ("01-login").</summary>
    public static SaltApiTranscript Load(string numberOrName) => Cache.GetOrAdd(numberOrName, Read);

    private static SaltApiTranscript Read(string numberOrName)
    {
        var dir = RepoFixtures.Path("salt-api");
        var file = Directory.GetFiles(dir, "*.json")
            .Select(f => (Path: f, Name: Path.GetFileNameWithoutExtension(f)))
            .Where(f => f.Name == numberOrName || f.Name.StartsWith(numberOrName + "-", StringComparison.Ordinal))
            .ToList();
        if (file.Count != 1)
        {
            throw new FileNotFoundException($"Expected one salt-api transcript named '{numberOrName}' in {dir}, found {file.Count}.");
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(file[0].Path));
        var root = doc.RootElement;
        var request = root.GetProperty("request");
        var response = root.GetProperty("response");
        var headers = response.GetProperty("headers").EnumerateObject()
            .Select(h => new KeyValuePair<string, string>(h.Name, h.Value.GetString() ?? ""))
            .ToList();
        // The event-stream captures (50, 54) hold a stream of events instead of one body.
        var body = response.TryGetProperty("body_raw", out var raw) && raw.ValueKind == JsonValueKind.String ? raw.GetString() ?? "" : "";
        var transcript = new SaltApiTranscript(
            file[0].Name,
            root.GetProperty("title").GetString() ?? "",
            request.GetProperty("method").GetString() ?? "",
            request.GetProperty("path").GetString() ?? "",
            request.TryGetProperty("body_raw", out var rb) && rb.ValueKind == JsonValueKind.String ? rb.GetString() : null,
            response.GetProperty("status").GetInt32(),
            headers,
            body);

        // The body must be the captured bytes: its length has to match the master's Content-Length.
        if (transcript.ResponseHeader("Content-Length") is { } length
            && int.Parse(length, CultureInfo.InvariantCulture) != transcript.ResponseBody.Length)
        {
            throw new InvalidDataException($"{file[0].Name}: body_raw is {transcript.ResponseBody.Length} bytes, Content-Length says {length}.");
        }

        return transcript;
    }
}
