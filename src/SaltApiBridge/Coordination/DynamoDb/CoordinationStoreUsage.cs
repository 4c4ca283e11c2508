using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// What the DynamoDB store asked of the table, as DynamoDB bills it: each call by operation (read or write) and the
/// capacity units it consumed. <c>saltapibridge_coordination_store_calls{operation}</c> and
/// <c>saltapibridge_coordination_store_capacity_units{kind}</c> export it; the bench reads the totals.
/// </summary>
public sealed class CoordinationStoreUsage : IDisposable
{
    private readonly Meter meter;
    private readonly Counter<long> calls;
    private readonly Counter<double> units;
    private readonly ConcurrentDictionary<string, long> byOperation = new(StringComparer.Ordinal);
    private long reads;
    private long writes;
    private long readMilliUnits;
    private long writeMilliUnits;

    public CoordinationStoreUsage(IMeterFactory? meterFactory = null)
    {
        meter = BridgeMeter.Create(meterFactory);
        calls = meter.CreateCounter<long>("coordination_store_calls", description: "Calls to the coordination table, by DynamoDB operation");
        units = meter.CreateCounter<double>("coordination_store_capacity_units", description: "Capacity units the coordination table's calls consumed, by kind (read, write)");
    }

    public long Reads => Interlocked.Read(ref reads);

    public long Writes => Interlocked.Read(ref writes);

    public double ReadUnits => Interlocked.Read(ref readMilliUnits) / 1000.0;

    public double WriteUnits => Interlocked.Read(ref writeMilliUnits) / 1000.0;

    /// <summary>Calls so far by operation (GetItem, UpdateItem, Query, …).</summary>
    public IReadOnlyDictionary<string, long> Calls => new Dictionary<string, long>(byOperation, StringComparer.Ordinal);

    /// <summary>One call answered (a failed condition too: DynamoDB bills it).</summary>
    public void Record(string operation, bool isWrite, double? capacityUnits)
    {
        byOperation.AddOrUpdate(operation, 1, (_, n) => n + 1);
        Interlocked.Increment(ref isWrite ? ref writes : ref reads);
        calls.Add(1, new KeyValuePair<string, object?>("operation", operation));
        if (capacityUnits is not { } consumed)
            return;
        Interlocked.Add(ref isWrite ? ref writeMilliUnits : ref readMilliUnits, (long)Math.Round(consumed * 1000));
        units.Add(consumed, new KeyValuePair<string, object?>("kind", isWrite ? "write" : "read"));
    }

    public void Dispose() => meter.Dispose();
}
