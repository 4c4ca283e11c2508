using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>
/// salt-api's <c>GET /events</c> under the test's control: each connection is a pipe the test writes events into
/// (exactly as transcript 50 frames them), ends (<see cref="Drop"/>) or leaves silent. It can answer 401 first, and it
/// echoes the stream's probe hooks back as <c>salt/netapi/hook/…</c> events unless <see cref="EchoProbes"/> says not to.
/// </summary>
internal sealed class SseServer : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<string?> _tokens = [];
    private Pipe? _current;
    private int _unauthorized;

    /// <summary>Asked at each probe hook: echo it onto the stream (salt-api's normal behaviour) or swallow it (a stalled stream).</summary>
    public Func<bool> EchoProbes { get; set; } = () => true;

    public int Connections
    {
        get
        {
            lock (_gate)
            {
                return _tokens.Count;
            }
        }
    }

    /// <summary>The X-Auth-Token of each GET /events, in order.</summary>
    public IReadOnlyList<string?> Tokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _tokens];
            }
        }
    }

    /// <summary>Answers the next <paramref name="count"/> connections with transcript 28's 401 page.</summary>
    public void AnswerUnauthorized(int count)
    {
        lock (_gate)
        {
            _unauthorized = count;
        }
    }

    /// <summary>Writes one event onto the open connection (none open: lost, as on a real bus).</summary>
    public void Emit(string tag, JsonNode payload) => Write(EventStreamTranscript.SseText(tag, payload));

    public void Write(string text)
    {
        lock (_gate)
        {
            if (_current is { } pipe)
            {
                pipe.Writer.Write(Encoding.UTF8.GetBytes(text));
                _ = pipe.Writer.FlushAsync(CancellationToken.None).AsTask();
            }
        }
    }

    /// <summary>Ends the open connection, as a restarted salt-api does.</summary>
    public void Drop()
    {
        lock (_gate)
        {
            _current?.Writer.Complete();
            _current = null;
        }
    }

    /// <summary>The hook event salt-api puts on the bus for a POST /hook (shape of transcript 50's hook event).</summary>
    public void EchoHook(string tag, string body)
    {
        if (!EchoProbes())
        {
            return;
        }

        var captured = EventStreamTranscript.Instance.Events.First(e => e.Tag.StartsWith("salt/netapi/hook/", StringComparison.Ordinal)).Payload.DeepClone();
        captured["body"] = body;
        captured["post"] = JsonNode.Parse(body);
        Emit("salt/netapi/hook/" + tag, captured);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath != "/events" || request.Method != HttpMethod.Get)
        {
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound));
        }

        var token = request.Headers.TryGetValues("X-Auth-Token", out var values) ? values.FirstOrDefault() : null;
        lock (_gate)
        {
            _tokens.Add(token);
            if (_unauthorized > 0)
            {
                _unauthorized--;
                var page = SaltApiTranscript.Load("28");
                return Task.FromResult(new HttpResponseMessage((HttpStatusCode)page.Status)
                {
                    Content = new ByteArrayContent(page.ResponseBody),
                });
            }

            _current?.Writer.Complete();
            // Never pauses the writer: the test writes floods faster than the reader takes them.
            _current = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0));
            var content = new StreamContent(_current.Reader.AsStream());
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(SaltApiTranscript.Load("50").ResponseHeader("Content-Type")!);
            // The first chunk of transcript 50.
            _current.Writer.Write("retry: 400\n"u8);
            _ = _current.Writer.FlushAsync(CancellationToken.None).AsTask();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }
}
