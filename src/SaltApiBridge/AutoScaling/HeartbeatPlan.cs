namespace SaltApiBridge.AutoScaling;

/// <summary>
/// How one lifecycle action is kept alive: a heartbeat every <see cref="Interval"/>, none after <see cref="Deadline"/>
/// (the hook's global timeout, after which Auto Scaling applies <see cref="DefaultResult"/> whatever we send),
/// and a first one at once when <see cref="BeatAtOnce"/> (work resumed after a restart: the action may have waited).
/// </summary>
internal sealed record HeartbeatPlan(TimeSpan Interval, DateTimeOffset? Deadline = null, string? DefaultResult = null, bool BeatAtOnce = false)
{
    /// <summary>The hook's heartbeat timeout, when the hook could be read.</summary>
    public TimeSpan? HookTimeout { get; init; }

    /// <summary>A third of the shortest heartbeat timeout AWS allows (30 s): safe for any hook when the hook cannot be read.</summary>
    public static readonly TimeSpan FallbackInterval = TimeSpan.FromSeconds(10);

    /// <summary>At most this share is taken off a third of the timeout, so many instances do not beat in step.</summary>
    public const double MaxJitter = 0.1;

    /// <summary>
    /// The interval for a hook: <paramref name="configured"/> when set and shorter than the heartbeat timeout, else a third
    /// of the timeout less up to <see cref="MaxJitter"/> (<paramref name="jitter"/> in [0, 1)).
    /// </summary>
    public static TimeSpan DeriveInterval(TimeSpan heartbeatTimeout, TimeSpan? configured, double jitter) =>
        configured is { } value && value < heartbeatTimeout
            ? value
            : heartbeatTimeout / 3 * (1 - (MaxJitter * Math.Clamp(jitter, 0, 1)));
}
