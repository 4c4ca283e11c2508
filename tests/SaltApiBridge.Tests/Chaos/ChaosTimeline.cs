using System.Collections.Concurrent;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// One order over what the simulators answered and what the daemon deleted from SQS, so the checker can tell whether
/// a message left the queue before or after its work was done.
/// </summary>
internal sealed class ChaosTimeline
{
    private readonly ConcurrentQueue<Timed<AutoScalingCall>> autoScaling = new();
    private readonly ConcurrentQueue<Timed<SaltCall>> salt = new();
    private readonly ConcurrentQueue<Timed<string>> deletes = new();
    private long sequence;

    public IReadOnlyList<Timed<AutoScalingCall>> AutoScalingCalls => [.. autoScaling.OrderBy(e => e.Sequence)];

    public IReadOnlyList<Timed<SaltCall>> SaltCalls => [.. salt.OrderBy(e => e.Sequence)];

    /// <summary>The message ids the daemon asked SQS to delete; empty when nobody recorded them (a child process).</summary>
    public IReadOnlyList<Timed<string>> Deletes => [.. deletes.OrderBy(e => e.Sequence)];

    public bool RecordsDeletes { get; private set; }

    public void Follow(SimulatedSaltApi saltApi, SimulatedAutoScaling autoScalingApi)
    {
        ArgumentNullException.ThrowIfNull(saltApi);
        ArgumentNullException.ThrowIfNull(autoScalingApi);
        saltApi.Called += Record;
        autoScalingApi.Called += Record;
    }

    public void Record(SaltCall call) => salt.Enqueue(new Timed<SaltCall>(Next(), call));

    public void Record(AutoScalingCall call) => autoScaling.Enqueue(new Timed<AutoScalingCall>(Next(), call));

    /// <summary>Called by <see cref="RecordingMessageQueue"/> just before it asks SQS to delete.</summary>
    public void Deleting(IEnumerable<string> messageIds)
    {
        RecordsDeletes = true;
        foreach (var id in messageIds)
            deletes.Enqueue(new Timed<string>(Next(), id));
    }

    private long Next() => Interlocked.Increment(ref sequence);
}
