using System.Globalization;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// The daemon's managed heap, as its <c>/metrics</c> shows it (the runtime's <c>System.Runtime</c> meter): the heap
/// after the last collection, and the memory the GC had committed then.
/// </summary>
internal sealed record DaemonHeap(long HeapBytes, long CommittedBytes)
{
    public static async Task<DaemonHeap?> ReadAsync(Uri health)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(health, "/metrics"));
        long Sum(string name) => text.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is ' ' or '{'))
            .Sum(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        var heap = Sum("system_runtime_dotnet_gc_last_collection_heap_size");
        return heap == 0 ? null : new DaemonHeap(heap, Sum("system_runtime_dotnet_gc_last_collection_memory_committed_size"));
    }
}
