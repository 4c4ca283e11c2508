using SaltApiBridge.Queue;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>The daemon's real SQS queue, with every delete it asks for put on the run's timeline first.</summary>
internal sealed class RecordingMessageQueue(SqsMessageQueue inner, ChaosTimeline timeline) : IMessageQueue
{
    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken) =>
        inner.ReceiveAsync(maxMessages, cancellationToken);

    public Task<IReadOnlyList<QueueMessage>> DeleteAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        timeline.Deleting(messages.Select(m => m.MessageId));
        return inner.DeleteAsync(messages, cancellationToken);
    }

    public Task<IReadOnlyList<QueueMessage>> ChangeVisibilityAsync(IReadOnlyList<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken) =>
        inner.ChangeVisibilityAsync(messages, visibility, cancellationToken);
}
