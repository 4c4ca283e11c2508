using System.Diagnostics.Metrics;

namespace SaltApiBridge.Pipeline;

/// <summary>
/// The pipeline's instruments (heartbeats and salt-api logins are counted where they happen). Labels are bounded (kind, step, outcome, result, error type) — never an instance id,
/// which would grow the series without end.
/// </summary>
public sealed class BridgeMetrics : IDisposable
{
    private readonly Meter meter;
    private readonly Counter<long> received;
    private readonly Counter<long> deleted;
    private readonly Counter<long> rejected;
    private readonly Counter<long> completions;
    private readonly Counter<long> errors;
    private readonly Counter<long> acceptRefusals;
    private readonly Histogram<double> saltJobSeconds;
    private readonly Histogram<double> actionSeconds;
    private int inFlight;

    public BridgeMetrics(IMeterFactory? meterFactory = null)
    {
        meter = BridgeMeter.Create(meterFactory);
        received = meter.CreateCounter<long>("messages_received", description: "Messages received from SQS, by kind");
        deleted = meter.CreateCounter<long>("messages_deleted", description: "Messages deleted from SQS, by result");
        rejected = meter.CreateCounter<long>("messages_rejected", description: "Messages that can never be acted on, by reason class");
        completions = meter.CreateCounter<long>("lifecycle_completions", description: "Lifecycle actions completed, by kind and result");
        errors = meter.CreateCounter<long>("errors", description: "Errors, by type");
        acceptRefusals = meter.CreateCounter<long>("accept_refusals", description: "Launches whose key the accept gate refused, by reason");
        saltJobSeconds = meter.CreateHistogram<double>("salt_job_duration_seconds", unit: "s", description: "Salt state runs, by step and outcome");
        actionSeconds = meter.CreateHistogram<double>(
            "lifecycle_action_seconds", unit: "s", description: "Lifecycle actions, from the hook's event to their completion, by kind and result");
        meter.CreateObservableGauge("instances_in_flight", () => Volatile.Read(ref inFlight), description: "Instances whose work is running");
    }

    public void Received(string kind) => received.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Deleted(string result) => deleted.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Rejected(string reason) => rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <param name="sinceEvent">From the hook's event to now, when known.</param>
    public void Completed(string kind, string result, TimeSpan? sinceEvent = null)
    {
        KeyValuePair<string, object?>[] labels = [new("kind", kind), new("result", result)];
        completions.Add(1, labels);
        if (sinceEvent is { } duration && duration >= TimeSpan.Zero)
            actionSeconds.Record(duration.TotalSeconds, labels);
    }

    public void AcceptRefused(string reason) => acceptRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Error(string type) => errors.Add(1, new KeyValuePair<string, object?>("type", type));

    public void SaltJob(string step, string outcome, TimeSpan duration) =>
        saltJobSeconds.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("step", step), new KeyValuePair<string, object?>("outcome", outcome));

    public void WorkStarted() => Interlocked.Increment(ref inFlight);

    public void WorkEnded() => Interlocked.Decrement(ref inFlight);

    public void Dispose() => meter.Dispose();
}
