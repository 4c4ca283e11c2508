namespace SaltApiBridge.Hosting;

/// <summary>The managed heap at one moment.</summary>
/// <param name="AllocatedBytes">Allocated since the process started (only grows).</param>
/// <param name="CommittedBytes">Memory the collector held at its last collection.</param>
/// <param name="ObjectBytes">Bytes of objects after its last collection (its heap without the free space between them).</param>
/// <param name="Collections">How many collections have run.</param>
internal sealed record HeapReading(long AllocatedBytes, long CommittedBytes, long ObjectBytes, long Collections)
{
    /// <summary>Held by the collector without holding objects: free space, and room kept for allocations to come.</summary>
    public long UnusedBytes => CommittedBytes - ObjectBytes;
}
