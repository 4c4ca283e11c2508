namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Heartbeats for one lifecycle action while a job runs. Dispose it when the job ends; disposal waits until no
/// heartbeat is in flight, so none is sent afterwards.
/// </summary>
/// <remarks>
/// Lean on purpose, as a daemon may hold a thousand of these for minutes each: between heartbeats there is no
/// cancellation source of its own, only the timer, which disposal stops; a heartbeat's call gets a source while in flight.
/// </remarks>
internal sealed class HeartbeatLease(HeartbeatPlan plan, PeriodicTimer timer) : IAsyncDisposable
{
    /// <summary>Marks <see cref="beat"/> once the lease is disposed.</summary>
    private static readonly CancellationTokenSource Disposed = new();

    /// <summary>The heartbeat in flight (null between heartbeats), or <see cref="Disposed"/>.</summary>
    private CancellationTokenSource? beat;

    /// <summary>The cadence and deadline the heartbeats keep, and the hook's heartbeat timeout when known.</summary>
    public HeartbeatPlan Plan { get; } = plan;

    /// <summary>Completes (never faults) when heartbeats stop, telling why.</summary>
    public Task<HeartbeatStopReason> Completion { get; internal set; } = null!;

    /// <summary>
    /// AWS said the action is gone, or its global timeout has passed: completing it is pointless, and so is waiting
    /// for the job on its behalf.
    /// </summary>
    public bool ActionGone => Completion.IsCompletedSuccessfully && Completion.Result is HeartbeatStopReason.ActionGone or HeartbeatStopReason.GlobalTimeout;

    /// <summary>Whether the lease has been disposed.</summary>
    internal bool IsDisposed => Volatile.Read(ref beat) == Disposed;

    /// <summary>A heartbeat is about to go out under <paramref name="source"/>, which disposal cancels; false once disposed.</summary>
    internal bool TryBeginBeat(CancellationTokenSource source) => Interlocked.CompareExchange(ref beat, source, null) is null;

    /// <summary>The heartbeat under <paramref name="source"/> is over: disposes it, unless disposal took it over.</summary>
    internal void EndBeat(CancellationTokenSource source)
    {
        if (Interlocked.CompareExchange(ref beat, null, source) == source)
            source.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        var inFlight = Interlocked.Exchange(ref beat, Disposed);
        if (inFlight == Disposed)
            return;

        // Ends the wait for the next tick; a heartbeat in flight is cancelled.
        timer.Dispose();
        if (inFlight is not null)
            await inFlight.CancelAsync();
        await Completion;
        inFlight?.Dispose();
    }
}
