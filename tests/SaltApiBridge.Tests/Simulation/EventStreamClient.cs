using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Simulation;

/// <summary>
/// A <c>GET /events</c> reader for the simulator's tests: keeps the response (status, headers), the first line
/// (<c>retry: 400</c>), and reads one server-sent event at a time as <c>tag</c> and <c>data</c> (the event's
/// <c>{"data", "tag"}</c> object).
/// </summary>
internal sealed class EventStreamClient : IAsyncDisposable
{
    private readonly HttpClient http;
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private EventStreamClient(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        this.http = http;
        this.response = response;
        this.reader = reader;
    }

    public HttpResponseMessage Response => response;

    public string? FirstLine { get; private set; }

    /// <summary>The body of a refused request (not a stream).</summary>
    public string? RefusalBody { get; private set; }

    /// <summary>Opens the stream with the token in the header (or, with <paramref name="inQuery"/>, as <c>?token=</c>).</summary>
    public static async Task<EventStreamClient> OpenAsync(SimulatedSaltApi salt, string? token, CancellationToken cancellationToken, bool inQuery = false)
    {
        var http = new HttpClient { BaseAddress = new Uri(salt.BaseUrl), Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, inQuery ? $"/events?token={token}" : "/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (token is not null && !inQuery)
            request.Headers.Add("X-Auth-Token", token);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var refusal = await response.Content.ReadAsStringAsync(cancellationToken);
            return new EventStreamClient(http, response, new StreamReader(Stream.Null)) { RefusalBody = refusal };
        }

        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var client = new EventStreamClient(http, response, reader);
        {
            // The simulator registers a stream before it writes this line: every event after it reaches this stream.
            client.FirstLine = await reader.ReadLineAsync(cancellationToken);
        }

        return client;
    }

    /// <summary>The next event, or null when the stream ended (closed or cut); an <see cref="OperationCanceledException"/> after <paramref name="timeout"/>.</summary>
    public async Task<(string Tag, JsonObject Data)?> NextAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string? tag = null;
        JsonObject? data = null;
        while (await ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("tag: ", StringComparison.Ordinal))
                tag = line["tag: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                data = JsonNode.Parse(line["data: ".Length..])!.AsObject();
            else if (line.Length == 0 && tag is not null && data is not null)
                return (tag, data);
        }

        return null;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken);
        }
        catch (IOException)
        {
            // The server cut the connection.
            return null;
        }
    }

    /// <summary>Events until one whose tag matches, that one included.</summary>
    public async Task<List<(string Tag, JsonObject Data)>> UntilAsync(Func<string, bool> tag, CancellationToken cancellationToken)
    {
        var events = new List<(string Tag, JsonObject Data)>();
        while (await NextAsync(TimeSpan.FromSeconds(10), cancellationToken) is { } next)
        {
            events.Add(next);
            if (tag(next.Tag))
                return events;
        }

        throw new InvalidOperationException("the stream ended before the event; got " + string.Join(", ", events.Select(e => e.Tag)));
    }

    public async ValueTask DisposeAsync()
    {
        reader.Dispose();
        response.Dispose();
        http.Dispose();
        await Task.CompletedTask;
    }
}
