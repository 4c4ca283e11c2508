namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>Another clock's time, counting the timers the code under test creates on it (each Task.Delay is one).</summary>
internal sealed class TimerCountingTime(TimeProvider inner) : TimeProvider
{
    private int created;

    public int TimersCreated => Volatile.Read(ref created);

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref created);
        return inner.CreateTimer(callback, state, dueTime, period);
    }
}
