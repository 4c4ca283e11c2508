namespace SaltApiBridge;

/// <summary>
/// How long to wait before trying again: the first delay, multiplied per try up to a cap, optionally jittered between
/// half and all of it (so pollers and replicas do not retry in step). One policy type for every retry loop of the
/// bridge: a message's redelivery, a Salt step's next attempt, a busy minion's next try, the queue's next poll.
/// </summary>
public sealed record BackoffPolicy(TimeSpan First, TimeSpan Max, double Multiplier = 2, bool Jitter = false)
{
    /// <summary>The same delay every time.</summary>
    public static BackoffPolicy Constant(TimeSpan delay) => new(delay, delay, 1);

    /// <summary>Doubling from <paramref name="first"/> up to <paramref name="max"/>.</summary>
    public static BackoffPolicy Exponential(TimeSpan first, TimeSpan max, bool jitter = false) => new(first, max, 2, jitter);

    /// <summary>The delay before try again number <paramref name="retry"/> (1: the first retry).</summary>
    public TimeSpan Delay(int retry)
    {
        var exponent = Math.Clamp(retry - 1, 0, 30);
        var ticks = Math.Min(First.Ticks * Math.Pow(Multiplier, exponent), Max.Ticks);
        var delay = (long)Math.Max(ticks, 0);
        return TimeSpan.FromTicks(Jitter ? delay / 2 + Random.Shared.NextInt64(delay / 2 + 1) : delay);
    }
}
