namespace SaltApiBridge.Queue;

/// <summary>
/// The queue operations the pipeline needs. The seam tests replace when they drive the pipeline without SQS.
/// Fatal problems (missing queue, access denied) throw <see cref="QueueUnavailableException"/>.
/// </summary>
public interface IMessageQueue
{
    /// <summary>Long-polls for up to <paramref name="maxMessages"/> (1–10) messages.</summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>Deletes up to 10 messages in one batch; returns those SQS did not delete.</summary>
    Task<IReadOnlyList<QueueMessage>> DeleteAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken);

    /// <summary>Sets the visibility timeout of up to 10 messages in one batch (zero makes them visible at once); returns those SQS did not change.</summary>
    Task<IReadOnlyList<QueueMessage>> ChangeVisibilityAsync(IReadOnlyList<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken);
}
