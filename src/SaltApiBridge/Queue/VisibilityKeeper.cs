using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Queue;

/// <summary>
/// Keeps every in-flight message invisible to other consumers while its work runs (or waits its turn), by
/// extending the visibility of all of them in batches on one timer — one lease loop for all, not one per message.
/// A message is extended once less than half of what was granted is left, counted from its receive's own grant
/// (<see cref="QueueMessage.InvisibleUntil"/>) or, when the receive granted none (the queue's default may be shorter
/// than <c>visibility</c>), at the first tick after it was received: with the defaults (120 s, a tick every 10 s)
/// one call per ten messages every 70 s instead of seven, and five ticks left to retry a failed extension (each call
/// bounded by one interval) before the message could show again. A message SQS answers
/// as not changed is tried again at the next tick. A highstate holds its message for minutes, so the calls
/// saved are most of what a daemon waiting on a scale-out sends to SQS (and allocates while it waits).
/// </summary>
public sealed class VisibilityKeeper(IMessageQueue queue, TimeSpan visibility, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
{
    private readonly ConcurrentDictionary<string, KeptMessage> inFlight = new(StringComparer.Ordinal);

    /// <summary>Extended again once less than this is left of what was granted; every tick when the interval leaves no room for that.</summary>
    private readonly TimeSpan renewWhenLeft = visibility / 2 > interval * 2 ? visibility / 2 : visibility;

    public int Count => inFlight.Count;

    /// <summary>Keeps <paramref name="message"/> from the visibility its receive granted; from its first look when it granted none.</summary>
    public void Track(QueueMessage message) => inFlight[message.ReceiptHandle] = new KeptMessage(message, message.InvisibleUntil);

    public void Untrack(QueueMessage message) => inFlight.TryRemove(message.ReceiptHandle, out _);

    /// <summary>Extends until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await ExtendDueAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Extends the messages not extended yet and those whose granted visibility is running low.</summary>
    public async Task ExtendDueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var due = inFlight.Values.Where(k => k.Until is not { } until || until - now < renewWhenLeft).ToList();
        foreach (var batch in due.Chunk(10))
        {
            // Counted from before the call: SQS starts the new timeout when it handles the call, never earlier.
            var grantedUntil = timeProvider.GetUtcNow() + visibility;
            IReadOnlyList<QueueMessage> notChanged;
            try
            {
                // At most one interval per call: a stalled one must not hold up the batches behind it past their margin.
                using var timeout = new CancellationTokenSource(interval, timeProvider);
                using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                notChanged = await queue.ChangeVisibilityAsync([.. batch.Select(k => k.Message)], visibility, call.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                QueueLog.ExtendFailed(logger, batch.Length, e is OperationCanceledException ? $"no answer within {interval.TotalSeconds:0} s" : e.Message);
                continue;
            }

            foreach (var kept in batch)
            {
                // Only what SQS changed, and only while still tracked: its work may have settled during the call.
                if (!notChanged.Any(m => m.ReceiptHandle == kept.Message.ReceiptHandle))
                    inFlight.TryUpdate(kept.Message.ReceiptHandle, kept with { Until = grantedUntil }, kept);
            }
        }
    }
}
