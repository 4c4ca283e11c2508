using System.Collections.Concurrent;
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

    // Per master: one stream each. With one master the gauge has no label, as before multi-master.
    private readonly ConcurrentDictionary<string, int> connected = new(StringComparer.Ordinal);

    public EventStreamMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = BridgeMeter.Create(meterFactory);
        reconnects = meter.CreateCounter<long>("salt_event_stream_reconnects", description: "salt-api event stream reconnects, by reason");
        matched = meter.CreateCounter<long>("salt_events_matched", description: "Events off the salt-api stream a waiter wanted, by kind");
        fallbackPolls = meter.CreateCounter<long>(
            "salt_event_fallback_polls", description: "salt-api lookups made instead of (or to catch up with) the event stream, by kind and reason");
        meter.CreateObservableGauge(
            "salt_event_stream_connected", Observe, description: "1 while the salt-api event stream (of the master in label master, with several) is connected and proven");
    }

    /// <summary>How many masters' streams are connected and proven.</summary>
    public int Connected => connected.Values.Sum();

    public void SetConnected(string master, bool value) => connected[master] = value ? 1 : 0;

    private IEnumerable<Measurement<int>> Observe()
    {
        var all = connected.ToArray();
        if (all.Length <= 1)
            return [new Measurement<int>(all.Length == 0 ? 0 : all[0].Value)];
        return all.Select(m => new Measurement<int>(m.Value, new KeyValuePair<string, object?>("master", m.Key)));
    }

    public void Reconnect(string reason) => reconnects.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Matched(string kind) => matched.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void FallbackPoll(string kind, string reason) =>
        fallbackPolls.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("reason", reason));
}
