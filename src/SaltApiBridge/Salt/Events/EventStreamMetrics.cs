using System.Diagnostics.Metrics;

namespace SaltApiBridge.Salt.Events;

/// <summary>
/// The event stream's instruments on the bridge's meter. Labels are bounded (kind, reason class), never an id or a tag.
/// </summary>
internal sealed class EventStreamMetrics
{
    private readonly Counter<long> reconnects;
    private readonly Counter<long> matched;
    private readonly Counter<long> fallbackPolls;
    private int connected;

    public EventStreamMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = BridgeMeter.Create(meterFactory);
        reconnects = meter.CreateCounter<long>("salt_event_stream_reconnects", description: "salt-api event stream reconnects, by reason");
        matched = meter.CreateCounter<long>("salt_events_matched", description: "Events off the salt-api stream a waiter wanted, by kind");
        fallbackPolls = meter.CreateCounter<long>(
            "salt_event_fallback_polls", description: "salt-api lookups made instead of (or to catch up with) the event stream, by kind and reason");
        meter.CreateObservableGauge(
            "salt_event_stream_connected", () => Volatile.Read(ref connected), description: "1 while the salt-api event stream is connected and proven");
    }

    public int Connected => Volatile.Read(ref connected);

    public void SetConnected(bool value) => Volatile.Write(ref connected, value ? 1 : 0);

    public void Reconnect(string reason) => reconnects.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Matched(string kind) => matched.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void FallbackPoll(string kind, string reason) =>
        fallbackPolls.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("reason", reason));
}
