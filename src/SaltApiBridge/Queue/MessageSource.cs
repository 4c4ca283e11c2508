using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Queue;

/// <summary>
/// The queue as an observable: several concurrent long polls, each asking only for as many messages as the
/// pipeline has free slots; backoff with jitter on errors; completes when stopped; fails on a fatal queue error.
/// Every emitted message holds one slot of the limiter, which its settlement releases.
/// </summary>
public sealed class MessageSource(IMessageQueue queue, InFlightLimiter limiter, int pollers, int maxMessages, TimeProvider timeProvider, ILogger logger)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public IObservable<QueueMessage> Messages(CancellationToken stop) =>
        Observable.Create<QueueMessage>(async (observer, unsubscribed) =>
        {
            using var polling = CancellationTokenSource.CreateLinkedTokenSource(stop, unsubscribed);
            var gate = new Lock();
            void Emit(QueueMessage message)
            {
                // Rx observers must not be called concurrently; the pollers are.
                lock (gate)
                    observer.OnNext(message);
            }

            var loops = Enumerable.Range(0, pollers).Select(_ => PollAsync(Emit, polling)).ToArray();
            try
            {
                await Task.WhenAll(loops);
            }
            catch (QueueUnavailableException e)
            {
                lock (gate)
                    observer.OnError(e);
                return;
            }

            lock (gate)
                observer.OnCompleted();
        });

    private async Task PollAsync(Action<QueueMessage> emit, CancellationTokenSource polling)
    {
        var token = polling.Token;
        var backoff = FirstBackoff;
        while (!token.IsCancellationRequested)
        {
            int slots;
            try
            {
                slots = await limiter.AcquireAsync(maxMessages, token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            IReadOnlyList<QueueMessage> messages;
            try
            {
                messages = await queue.ReceiveAsync(slots, token);
                backoff = FirstBackoff;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                limiter.Release(slots);
                return;
            }
            catch (QueueUnavailableException)
            {
                limiter.Release(slots);
                await polling.CancelAsync();
                throw;
            }
            catch (Exception e)
            {
                limiter.Release(slots);
                var delay = Jitter(backoff);
                QueueLog.ReceiveFailed(logger, e.Message, delay);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                try
                {
                    await Task.Delay(delay, timeProvider, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            limiter.Release(slots - messages.Count);
            foreach (var message in messages)
                emit(message);
        }
    }

    /// <summary>Full jitter between half and all of the backoff, so pollers and replicas do not retry in step.</summary>
    private static TimeSpan Jitter(TimeSpan backoff) =>
        TimeSpan.FromTicks(backoff.Ticks / 2 + Random.Shared.NextInt64(backoff.Ticks / 2 + 1));
}
