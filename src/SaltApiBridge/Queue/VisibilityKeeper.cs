using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Queue;

/// <summary>
/// Keeps every in-flight message invisible to other consumers while its work runs (or waits its turn), by
/// extending the visibility of all of them in batches on one timer — one lease loop for all, not one per message.
/// </summary>
public sealed class VisibilityKeeper(IMessageQueue queue, TimeSpan visibility, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
{
    private readonly ConcurrentDictionary<string, QueueMessage> inFlight = new(StringComparer.Ordinal);

    public int Count => inFlight.Count;

    public void Track(QueueMessage message) => inFlight[message.ReceiptHandle] = message;

    public void Untrack(QueueMessage message) => inFlight.TryRemove(message.ReceiptHandle, out _);

    /// <summary>Extends until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                await ExtendAllAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async Task ExtendAllAsync(CancellationToken cancellationToken)
    {
        foreach (var batch in inFlight.Values.Chunk(10))
        {
            try
            {
                await queue.ChangeVisibilityAsync(batch, visibility, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                QueueLog.ExtendFailed(logger, batch.Length, e.Message);
            }
        }
    }
}
