using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Coordination.Local;

namespace SaltApiBridge.Tests.Pipeline;

public sealed class CompletedWorkTests
{
    private readonly FakeTimeProvider time = new();

    [Fact]
    public void Contains_WithinWindow_TrueAfterItFalse()
    {
        var work = new CompletedWork(TimeSpan.FromMinutes(30), time);
        work.Add("token-1");

        time.Advance(TimeSpan.FromMinutes(29));
        work.Contains("token-1").Should().BeTrue();
        time.Advance(TimeSpan.FromMinutes(2));
        work.Contains("token-1").Should().BeFalse();
        work.Count.Should().Be(0);
    }

    [Fact]
    public void Add_BeyondCapacity_ForgetsTheOldestFirst()
    {
        var work = new CompletedWork(TimeSpan.FromHours(1), time, capacity: 100);

        for (var i = 0; i < 250; i++)
        {
            work.Add($"key-{i}");
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        work.Count.Should().Be(100);
        work.Contains("key-149").Should().BeFalse();
        work.Contains("key-150").Should().BeTrue();
        work.Contains("key-249").Should().BeTrue();
    }

    [Fact]
    public void Add_SameKeyAgainBeyondCapacity_KeepsTheNewerEntry()
    {
        var work = new CompletedWork(TimeSpan.FromHours(1), time, capacity: 3);
        work.Add("a");
        time.Advance(TimeSpan.FromSeconds(1));
        work.Add("b");
        time.Advance(TimeSpan.FromSeconds(1));
        work.Add("a");
        time.Advance(TimeSpan.FromSeconds(1));
        work.Add("c");
        work.Add("d");

        // "b" is the oldest live key; "a"'s first entry is stale and must not evict its newer one.
        work.Contains("a").Should().BeTrue();
        work.Contains("b").Should().BeFalse();
        work.Contains("c").Should().BeTrue();
        work.Contains("d").Should().BeTrue();
    }
}
