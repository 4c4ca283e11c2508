using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Queue;

/// <summary>
/// Deletes settled messages in batches of up to 10, gathered for a short window. Each caller learns whether its
/// message was deleted; one that was not comes back and is recognised as done by the memory of finished work (<see cref="Coordination.IFinishedWork"/>).
/// </summary>
public sealed class Acknowledger : IAsyncDisposable
{
    private readonly Subject<Pending> requests = new();
    private readonly Task drained;
    private readonly IMessageQueue queue;
    private readonly ILogger logger;
    private volatile bool completed;

    public Acknowledger(IMessageQueue queue, TimeSpan window, IScheduler scheduler, ILogger logger)
    {
        this.queue = queue;
        this.logger = logger;
        drained = requests
            .Synchronize()
            .Buffer(window, 10, scheduler)
            .Where(batch => batch.Count > 0)
            .Select(batch => Observable.FromAsync(() => DeleteBatchAsync(batch)))
            .Merge(4)
            .DefaultIfEmpty()
            .ToTask();
    }

    /// <summary>Queues the message for deletion; completes with true once SQS has deleted it.</summary>
    public Task<bool> DeleteAsync(QueueMessage message)
    {
        if (completed)
            return Task.FromResult(false);
        var pending = new Pending(message, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        requests.OnNext(pending);
        return pending.Done.Task;
    }

    /// <summary>Flushes what is queued and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        completed = true;
        requests.OnCompleted();
        await drained;
        requests.Dispose();
    }

    private async Task DeleteBatchAsync(IList<Pending> batch)
    {
        try
        {
            // Not cancelled by shutdown: a finished message must still leave the queue.
            var failed = await queue.DeleteAsync([.. batch.Select(p => p.Message)], CancellationToken.None);
            foreach (var pending in batch)
                pending.Done.TrySetResult(!failed.Contains(pending.Message));
        }
        catch (Exception e)
        {
            QueueLog.DeleteBatchFailed(logger, batch.Count, e.Message);
            foreach (var pending in batch)
                pending.Done.TrySetResult(false);
        }
    }

    private sealed record Pending(QueueMessage Message, TaskCompletionSource<bool> Done);
}
