using System.Collections.Concurrent;
using System.Threading.Channels;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Tests.Queue;

/// <summary>
/// A queue whose every call the test sees and answers: receives wait until the test answers them (a long poll), deletes
/// and visibility changes are recorded per batch and answer as scripted. Unlike <see cref="Pipeline.InMemoryQueue"/>
/// (SQS's visibility in real time), nothing here depends on time passing.
/// </summary>
internal sealed class ScriptedQueue(TimeProvider timeProvider) : IMessageQueue
{
    private readonly Channel<Receive> receives = Channel.CreateUnbounded<Receive>();
    private readonly ConcurrentQueue<IReadOnlyList<QueueMessage>> deleted = new();
    private readonly ConcurrentQueue<(IReadOnlyList<QueueMessage> Batch, TimeSpan Visibility)> extended = new();

    /// <summary>Answers each delete batch: the messages SQS did not delete; throw for a failed call.</summary>
    public Func<IReadOnlyList<QueueMessage>, IReadOnlyList<QueueMessage>> Delete { get; set; } = _ => [];

    /// <summary>Answers each visibility change; throw for a failed call.</summary>
    public Action<IReadOnlyList<QueueMessage>> ChangeVisibility { get; set; } = _ => { };

    /// <summary>Which messages of a visibility batch SQS answers as failed (its per-entry failures); none by default.</summary>
    public Func<IReadOnlyList<QueueMessage>, IReadOnlyList<QueueMessage>> NotChanged { get; set; } = _ => [];

    public IReadOnlyList<IReadOnlyList<QueueMessage>> DeleteBatches => [.. deleted];

    public IReadOnlyList<(IReadOnlyList<QueueMessage> Batch, TimeSpan Visibility)> VisibilityBatches => [.. extended];

    public static QueueMessage Message(int n) => new($"msg-{n}", $"handle-{n}", "{}", 1);

    public static IReadOnlyList<QueueMessage> Messages(int count, int first = 1) => [.. Enumerable.Range(first, count).Select(Message)];

    /// <summary>The next receive the code under test made (bounded wait, real time).</summary>
    public async Task<Receive> NextReceiveAsync() =>
        await receives.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var receive = new Receive(maxMessages, timeProvider.GetUtcNow(), cancellationToken);
        receives.Writer.TryWrite(receive);
        return receive.Answer.Task.WaitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<QueueMessage>> DeleteAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        deleted.Enqueue(messages);
        return Task.FromResult(Delete(messages));
    }

    public Task<IReadOnlyList<QueueMessage>> ChangeVisibilityAsync(IReadOnlyList<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        extended.Enqueue((messages, visibility));
        ChangeVisibility(messages);
        return Task.FromResult(NotChanged(messages));
    }

    /// <summary>One receive call: how many it asked for, when (fake time), and its answer, which the test gives.</summary>
    internal sealed record Receive(int MaxMessages, DateTimeOffset At, CancellationToken Token)
    {
        public TaskCompletionSource<IReadOnlyList<QueueMessage>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
