using SaltApiBridge.Queue;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>An SQS-like queue in memory: visibility timeouts, receive counts, batch delete; records what happened.</summary>
internal sealed class InMemoryQueue(CallLog log, TimeSpan defaultVisibility) : IMessageQueue
{
    private readonly List<Entry> entries = [];
    private int sequence;

    public Func<Exception?> ReceiveFailure { get; set; } = () => null;

    public int Count
    {
        get
        {
            lock (entries)
                return entries.Count;
        }
    }

    public string Send(string body, string? messageId = null)
    {
        lock (entries)
        {
            var id = messageId ?? $"msg-{++sequence}";
            entries.Add(new Entry(id, body));
            return id;
        }
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        if (ReceiveFailure() is { } failure)
            throw failure;
        // A short long-poll: up to 50 ms for something to become visible.
        for (var i = 0; i < 5; i++)
        {
            List<QueueMessage> taken = [];
            lock (entries)
            {
                foreach (var entry in entries.Where(e => e.VisibleAt <= DateTime.UtcNow).Take(maxMessages))
                {
                    entry.ReceiveCount++;
                    entry.Handle = $"{entry.Id}#{entry.ReceiveCount}";
                    entry.VisibleAt = DateTime.UtcNow + defaultVisibility;
                    taken.Add(new QueueMessage(entry.Id, entry.Handle, entry.Body, entry.ReceiveCount));
                }
            }

            if (taken.Count > 0)
                return taken;
            await Task.Delay(10, cancellationToken);
        }

        return [];
    }

    public Task<IReadOnlyList<QueueMessage>> DeleteAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        lock (entries)
        {
            foreach (var message in messages)
            {
                // Like SQS, a stale receipt handle still deletes; the id is what matters here.
                entries.RemoveAll(e => e.Id == message.MessageId);
                log.Add($"sqs-delete {message.MessageId}");
            }
        }

        return Task.FromResult<IReadOnlyList<QueueMessage>>([]);
    }

    public Task<IReadOnlyList<QueueMessage>> ChangeVisibilityAsync(IReadOnlyList<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        lock (entries)
        {
            foreach (var message in messages)
            {
                var entry = entries.FirstOrDefault(e => e.Handle == message.ReceiptHandle);
                if (entry is not null)
                    entry.VisibleAt = DateTime.UtcNow + visibility;
                if (visibility < TimeSpan.FromSeconds(100))
                    log.Add($"sqs-visibility {message.MessageId} {visibility.TotalSeconds:0}");
            }
        }

        return Task.FromResult<IReadOnlyList<QueueMessage>>([]);
    }

    private sealed class Entry(string id, string body)
    {
        public string Id { get; } = id;

        public string Body { get; } = body;

        public int ReceiveCount { get; set; }

        public string? Handle { get; set; }

        public DateTime VisibleAt { get; set; } = DateTime.MinValue;
    }
}
