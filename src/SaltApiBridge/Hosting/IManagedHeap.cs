namespace SaltApiBridge.Hosting;

/// <summary>The process's garbage-collected heap, as <see cref="HeapTrimmer"/> reads and trims it (tests replace it).</summary>
internal interface IManagedHeap
{
    HeapReading Read();

    /// <summary>A full, compacting collection that gives every free page back to the system.</summary>
    void Trim();
}
