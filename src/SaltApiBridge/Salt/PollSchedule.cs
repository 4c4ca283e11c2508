namespace SaltApiBridge.Salt;

/// <summary>
/// A bounded poll: waits that double from <c>first</c> up to <c>max</c>, never past the deadline. Polls are
/// expensive for the master (a <c>GET /jobs</c> costs it 1–2 s), hence the growth; no jitter, as one bridge polls
/// one master and tests want predictable waits.
/// </summary>
internal sealed class PollSchedule(TimeProvider timeProvider, TimeSpan timeout, TimeSpan first, TimeSpan max)
{
    private readonly DateTimeOffset _deadline = timeProvider.GetUtcNow() + timeout;
    private TimeSpan _next = first;

    public TimeSpan Timeout => timeout;

    /// <summary>What is left until the deadline (zero once it has passed).</summary>
    public TimeSpan Remaining => _deadline - timeProvider.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>The next wait, or null once the deadline has passed.</summary>
    public TimeSpan? NextDelay()
    {
        var remaining = _deadline - timeProvider.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return null;
        }

        var delay = _next < remaining ? _next : remaining;
        _next = _next * 2 < max ? _next * 2 : max;
        return delay;
    }

    public Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        Task.Delay(delay, timeProvider, cancellationToken);
}
