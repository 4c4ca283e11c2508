using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Hosting;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Hosting;

public sealed class HeapTrimmerTests : IDisposable
{
    private const long Mb = 1024 * 1024;

    private readonly FakeTimeProvider time = new();
    private readonly ScriptedHeap heap = new();
    private readonly HeapTrimmer trimmer;

    public HeapTrimmerTests()
    {
        trimmer = new HeapTrimmer(heap, time, NullLogger<HeapTrimmer>.Instance);
    }

    public void Dispose() => trimmer.Dispose();

    [Fact]
    public void Look_QuietAfterABurst_TrimsOnce()
    {
        trimmer.Look().Should().BeFalse("the first look has nothing to compare with");

        // A burst: 100 MB allocated within one interval, the collector holding 53 MB for 22 MB of objects.
        Heap(allocatedMb: 100, committedMb: 53, objectMb: 22);
        trimmer.Look().Should().BeFalse("a trim during a burst would be undone at once");
        Heap(allocatedMb: 0.5, committedMb: 53, objectMb: 22);
        trimmer.Look().Should().BeTrue();
        Heap(allocatedMb: 0.5, committedMb: 53, objectMb: 22);
        trimmer.Look().Should().BeFalse("the collector has not run on its own since the trim: its figures are the trim's");

        heap.Trims.Should().Be(1);
    }

    [Fact]
    public void Look_AllocatingAllAlong_NeverTrims()
    {
        for (var i = 0; i < 5; i++)
        {
            Heap(allocatedMb: 20, committedMb: 53, objectMb: 22, collections: 1);
            trimmer.Look();
        }

        heap.Trims.Should().Be(0);
    }

    [Fact]
    public void Look_QuietWithLittleUnused_DoesNotTrim()
    {
        trimmer.Look();
        Heap(allocatedMb: 0.5, committedMb: 23.5, objectMb: 22);

        trimmer.Look().Should().BeFalse("1.5 MB are not worth a full blocking collection");
    }

    [Fact]
    public void Look_CollectorRanAgainSinceTheTrim_TrimsAgain()
    {
        trimmer.Look();
        Heap(allocatedMb: 0.5, committedMb: 53, objectMb: 22);
        trimmer.Look().Should().BeTrue();

        // The runtime collected on its own since, and kept room for the next allocations.
        Heap(allocatedMb: 0.5, committedMb: 40, objectMb: 18, collections: 1);

        trimmer.Look().Should().BeTrue();
        heap.Trims.Should().Be(2);
    }

    [Fact]
    public void Look_QuietTrickleWithoutACollection_TrimsOnceEnoughGarbageIsAllocated()
    {
        trimmer.Look();
        Heap(allocatedMb: 0.5, committedMb: 53, objectMb: 22);
        trimmer.Look().Should().BeTrue();

        // Heartbeats and event waits: 0.8 MB per interval, no collection of the runtime's own in between.
        var looks = 0;
        do
        {
            Heap(allocatedMb: 0.8, committedMb: 22, objectMb: 22);
            looks++;
        }
        while (!trimmer.Look() && looks < 10);

        looks.Should().Be(3, "the third look sees 2.4 MB allocated since the trim, the second 1.6 MB");
        heap.Trims.Should().Be(2);
    }

    [Fact]
    public async Task StartAsync_EveryInterval_LooksAndTrimsWhenQuiet()
    {
        await trimmer.StartAsync(TestContext.Current.CancellationToken);
        // Its first look runs in the background (its timer already set), then it waits an interval.
        await Eventually.UntilAsync(() => Task.FromResult(heap.Reads > 0), TimeSpan.FromSeconds(10), () => "the first look never came");
        Heap(allocatedMb: 0.5, committedMb: 53, objectMb: 22);

        time.Advance(HeapTrimmer.Interval);
        await Eventually.UntilAsync(() => Task.FromResult(heap.Trims > 0), TimeSpan.FromSeconds(10), () => "the look after an interval never trimmed");
        await trimmer.StopAsync(TestContext.Current.CancellationToken);

        heap.Trims.Should().Be(1);
    }

    /// <summary>The heap as the next look reads it: allocations and collections added since the last one.</summary>
    private void Heap(double allocatedMb, double committedMb, double objectMb, long collections = 0) =>
        heap.Current = new HeapReading(
            heap.Current.AllocatedBytes + (long)(allocatedMb * Mb), (long)(committedMb * Mb), (long)(objectMb * Mb), heap.Current.Collections + collections);

    private sealed class ScriptedHeap : IManagedHeap
    {
        private int reads;
        private int trims;

        public HeapReading Current { get; set; } = new(0, 0, 0, 0);

        public int Reads => Volatile.Read(ref reads);

        public int Trims => Volatile.Read(ref trims);

        public HeapReading Read()
        {
            Interlocked.Increment(ref reads);
            return Current;
        }

        /// <summary>As the collector does: one more collection, nothing committed beyond the objects.</summary>
        public void Trim()
        {
            Current = Current with { CommittedBytes = Current.ObjectBytes, Collections = Current.Collections + 1 };
            Interlocked.Increment(ref trims);
        }
    }
}
