using Amazon.DynamoDBv2.Model;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// A lease held in the table, renewed in the background every third of its duration (sooner after a failed try).
/// <see cref="Lost"/> is cancelled when no renewal succeeded by the start of the last successful one plus the
/// duration less a safety margin for clocks (<see cref="DynamoDbLeases.SafetyMargin"/>), or at once when a renewal
/// finds another holder: the holder stops before its lease could have run out on any host's clock.
/// </summary>
internal sealed class DynamoDbLease : ILease
{
    private readonly DynamoDbLeases leases;
    private readonly long leaseVersion;
    // Never disposed: callers may still hold Lost's token after the lease is given back (no timer is attached to it).
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Lock gate = new();
    private readonly ITimer lostTimer;
    private readonly Task renewing;
    private int disposed;
    private bool isLost;

    public DynamoDbLease(DynamoDbLeases leases, LeaseKey key, long leaseVersion, DateTimeOffset takenAt)
    {
        this.leases = leases;
        this.leaseVersion = leaseVersion;
        Key = key;
        lostTimer = leases.Time.CreateTimer(_ => MarkLost("it could not be renewed before it might have run out"), null, UntilDeadline(takenAt), Timeout.InfiniteTimeSpan);
        renewing = RenewAsync();
    }

    public LeaseKey Key { get; }

    public CancellationToken Lost => lost.Token;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
            return;
        await stop.CancelAsync();
        await renewing;
        await lostTimer.DisposeAsync();
        stop.Dispose();
        try
        {
            await leases.ReleaseAsync(Key, leaseVersion, CancellationToken.None);
        }
        catch (CoordinationStoreException e)
        {
            CoordinationLog.ReleaseFailed(leases.Logger, Key.ToString(), e.Message);
        }
        finally
        {
            leases.Forget(Key);
        }
    }

    private async Task RenewAsync()
    {
        using var stopOrLost = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, lost.Token);
        var wait = leases.RenewInterval;
        while (true)
        {
            try
            {
                await Task.Delay(wait, leases.Time, stopOrLost.Token);
                var start = leases.Time.GetUtcNow();
                await leases.RenewAsync(Key, leaseVersion, start + leases.Duration, stopOrLost.Token);
                lock (gate)
                {
                    if (!isLost)
                        lostTimer.Change(UntilDeadline(start), Timeout.InfiniteTimeSpan);
                }

                wait = leases.RenewInterval;
            }
            catch (OperationCanceledException) when (stopOrLost.IsCancellationRequested)
            {
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                MarkLost("another replica holds it now");
                return;
            }
            catch (CoordinationStoreException e)
            {
                wait = leases.RetryInterval;
                CoordinationLog.RenewFailed(leases.Logger, Key.ToString(), e.Message, wait);
            }
        }
    }

    /// <summary>From now until the lease counts as lost, had it been renewed by a request that started at <paramref name="start"/>.</summary>
    private TimeSpan UntilDeadline(DateTimeOffset start)
    {
        var left = start + leases.Duration - leases.SafetyMargin - leases.Time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private void MarkLost(string reason)
    {
        lock (gate)
        {
            if (isLost || Volatile.Read(ref disposed) == 1)
                return;
            isLost = true;
            CoordinationLog.LeaseLost(leases.Logger, Key.ToString(), reason);
            // Cancelled off this thread: the work's own cancellation callbacks must not run under the lock or the timer.
            _ = Task.Run(lost.Cancel);
        }
    }
}
