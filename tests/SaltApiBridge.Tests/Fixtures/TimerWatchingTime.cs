using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// A fake clock that notes the due time of every timer created on it, so a test can move time on only once the code
/// under test waits on its next timer (never while one of its real calls is still in flight).
/// </summary>
internal sealed class TimerWatchingTime(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentQueue<TimeSpan> dueTimes = new();

    /// <summary>How many timers were created with this due time so far.</summary>
    public int TimersDue(TimeSpan dueTime) => dueTimes.Count(d => d == dueTime);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        dueTimes.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
