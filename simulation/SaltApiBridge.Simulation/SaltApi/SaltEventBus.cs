using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace SaltApiBridge.Simulation;

/// <summary>
/// The master's event bus as <c>GET /events</c> shows it: every stream open gets every event, formatted as
/// rest_cherrypy writes it (<c>tag: …</c>, <c>data: {"data": …, "tag": …}</c>, a blank line; transcript 50).
/// Holds the stream faults: <see cref="DropAll"/> closes every open stream, <see cref="Stalled"/> keeps them open
/// but sends nothing more.
/// </summary>
internal sealed class SaltEventBus
{
    private readonly ConcurrentDictionary<long, Subscriber> subscribers = new();
    private long nextId;
    private long published;

    /// <summary>While true, open streams send nothing (the connection stays open, as behind a dead proxy).</summary>
    public bool Stalled { get; set; }

    public int OpenStreams => subscribers.Count;

    /// <summary>Events published so far (to any number of streams, also none).</summary>
    public long Published => Interlocked.Read(ref published);

    /// <summary>One event to every open stream.</summary>
    public void Publish(string tag, JsonObject data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Interlocked.Increment(ref published);
        if (subscribers.IsEmpty)
            return;
        var text = $"tag: {tag}\ndata: {PythonJson.Write(new JsonObject { ["data"] = data, ["tag"] = tag })}\n\n";
        foreach (var subscriber in subscribers.Values)
            subscriber.Events.Writer.TryWrite(text);
    }

    /// <summary>Closes every open stream (the connection ends, as when salt-api restarts).</summary>
    public void DropAll()
    {
        foreach (var subscriber in subscribers.Values)
        {
            try
            {
                subscriber.Drop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // That stream has just ended on its own.
            }
        }
    }

    /// <summary>A new stream: its events, and a token cancelled when it is dropped. Dispose to leave.</summary>
    public Subscription Subscribe()
    {
        var id = Interlocked.Increment(ref nextId);
        var subscriber = new Subscriber(Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true }), new CancellationTokenSource());
        subscribers[id] = subscriber;
        return new Subscription(subscriber.Events.Reader, () =>
        {
            if (subscribers.TryRemove(id, out var gone))
                gone.Drop.Dispose();
        }, subscriber.Drop.Token);
    }

    private sealed record Subscriber(Channel<string> Events, CancellationTokenSource Drop);

    /// <summary>One open stream's side of the bus.</summary>
    public sealed class Subscription(ChannelReader<string> events, Action leave, CancellationToken dropped) : IDisposable
    {
        public ChannelReader<string> Events { get; } = events;

        public CancellationToken Dropped { get; } = dropped;

        public void Dispose() => leave();
    }
}
