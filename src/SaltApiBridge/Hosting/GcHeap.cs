namespace SaltApiBridge.Hosting;

/// <summary>The runtime's collector.</summary>
internal sealed class GcHeap : IManagedHeap
{
    public HeapReading Read()
    {
        var last = GC.GetGCMemoryInfo(GCKind.Any);
        return new HeapReading(GC.GetTotalAllocatedBytes(precise: false), last.TotalCommittedBytes, last.HeapSizeBytes - last.FragmentedBytes, last.Index);
    }

    // Aggressive: a forced compacting collection alone keeps the free regions committed for the allocations to come.
    public void Trim() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
