using System.Collections.Concurrent;

namespace SaltApiBridge.Simulation;

/// <summary>Something the simulated master or minion does once, later: its timer is kept so disposal stops it.</summary>
internal static class OneShotTimers
{
    /// <summary>Runs <paramref name="action"/> once after <paramref name="due"/> on <paramref name="time"/>'s clock.</summary>
    public static void After(this ConcurrentBag<ITimer> timers, TimeProvider time, TimeSpan due, Action action)
    {
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            action();
            timer?.Dispose();
        }, null, due, Timeout.InfiniteTimeSpan);
        timers.Add(timer);
    }
}
