namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Heartbeats for one lifecycle action while a job runs. Dispose it when the job ends; disposal waits until no
/// heartbeat is in flight, so none is sent afterwards.
/// </summary>
internal sealed class HeartbeatLease(Task<HeartbeatStopReason> completion, CancellationTokenSource stopping, HeartbeatPlan plan) : IAsyncDisposable
{
    /// <summary>The cadence and deadline the heartbeats keep, and the hook's heartbeat timeout when known.</summary>
    public HeartbeatPlan Plan { get; } = plan;

    private int disposed;

    /// <summary>Completes (never faults) when heartbeats stop, telling why.</summary>
    public Task<HeartbeatStopReason> Completion { get; } = completion;

    /// <summary>
    /// AWS said the action is gone, or its global timeout has passed: completing it is pointless, and so is waiting
    /// for the job on its behalf.
    /// </summary>
    public bool ActionGone => Completion.IsCompletedSuccessfully && Completion.Result is HeartbeatStopReason.ActionGone or HeartbeatStopReason.GlobalTimeout;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await stopping.CancelAsync();
        await Completion;
        stopping.Dispose();
    }
}
