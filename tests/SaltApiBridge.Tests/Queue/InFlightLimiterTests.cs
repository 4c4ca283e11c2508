using SaltApiBridge.Queue;

namespace SaltApiBridge.Tests.Queue;

/// <summary>Slots for messages received and not yet settled: pollers take them before they receive.</summary>
public sealed class InFlightLimiterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcquireAsync_MoreFreeThanMax_TakesMax()
    {
        using var limiter = new InFlightLimiter(5);

        (await limiter.AcquireAsync(3, Ct)).Should().Be(3);
    }

    [Fact]
    public async Task AcquireAsync_FewerFreeThanMax_TakesThoseFree()
    {
        using var limiter = new InFlightLimiter(5);
        await limiter.AcquireAsync(3, Ct);

        (await limiter.AcquireAsync(10, Ct)).Should().Be(2);
    }

    [Fact]
    public async Task AcquireAsync_NoneFree_WaitsForARelease()
    {
        using var limiter = new InFlightLimiter(2);
        await limiter.AcquireAsync(2, Ct);
        var waiting = limiter.AcquireAsync(10, Ct);
        waiting.IsCompleted.Should().BeFalse();

        limiter.Release();

        (await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Should().Be(1);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_Throws()
    {
        using var limiter = new InFlightLimiter(1);
        await limiter.AcquireAsync(1, Ct);
        using var cancel = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync(1, cancel.Token);

        await cancel.CancelAsync();

        await waiting.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task InFlight_SlotsTakenAndReleased_CountsThoseHeld()
    {
        using var limiter = new InFlightLimiter(5);
        await limiter.AcquireAsync(4, Ct);

        limiter.Release(3);

        limiter.InFlight.Should().Be(1);
    }

    [Fact]
    public async Task Release_Zero_ReleasesNothing()
    {
        using var limiter = new InFlightLimiter(5);
        await limiter.AcquireAsync(2, Ct);

        limiter.Release(0);

        limiter.InFlight.Should().Be(2);
    }
}
