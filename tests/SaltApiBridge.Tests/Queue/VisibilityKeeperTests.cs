using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Queue;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Queue;

/// <summary>Keeps every in-flight message invisible, extending those due in batches of 10 on one timer.</summary>
public sealed class VisibilityKeeperTests : IDisposable
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider time = new();
    private readonly ScriptedQueue queue;
    private readonly CapturedLogs logs = new();
    private readonly VisibilityKeeper keeper;

    public VisibilityKeeperTests()
    {
        queue = new ScriptedQueue(time);
        keeper = new VisibilityKeeper(queue, Visibility, Interval, time, logs.CreateLogger("test"));
    }

    public void Dispose() => logs.Dispose();

    private void Track(int count, int first = 1)
    {
        foreach (var message in ScriptedQueue.Messages(count, first))
            keeper.Track(message);
    }

    private int visibilityCalls;

    /// <summary>The first visibility change fails (SQS did not answer); the others work.</summary>
    private void FailFirstCall() =>
        queue.ChangeVisibility = _ =>
        {
            if (Interlocked.Increment(ref visibilityCalls) == 1)
                throw new HttpRequestException("connection reset");
        };

    /// <summary>Moves fake time on until the queue has seen <paramref name="batches"/> visibility batches.</summary>
    private Task TicksUntilAsync(int batches) => time.AdvanceUntilCompleteAsync(
        Task.Run(async () =>
        {
            while (queue.VisibilityBatches.Count < batches)
                await Task.Delay(1, Ct);
        }, Ct),
        TimeSpan.FromSeconds(1));

    [Fact]
    public async Task ExtendDueAsync_TwelveTracked_TwoBatchesOfTenAndTwo()
    {
        Track(12);

        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Select(b => b.Batch.Count).Order().Should().Equal(2, 10);
        queue.VisibilityBatches.SelectMany(b => b.Batch).Select(m => m.MessageId).Should().OnlyHaveUniqueItems().And.HaveCount(12);
    }

    [Fact]
    public async Task ExtendDueAsync_Tracked_ExtendedByTheVisibility()
    {
        Track(1);

        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Should().ContainSingle().Which.Visibility.Should().Be(Visibility);
    }

    [Fact]
    public async Task ExtendDueAsync_Untracked_NoLongerExtended()
    {
        Track(2);
        keeper.Untrack(ScriptedQueue.Message(1));

        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Should().ContainSingle().Which.Batch.Select(m => m.MessageId).Should().Equal("msg-2");
    }

    [Fact]
    public async Task ExtendDueAsync_NothingTracked_NoCall()
    {
        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Should().BeEmpty();
    }

    [Fact]
    public async Task ExtendDueAsync_OneBatchFails_OtherBatchesStillExtended()
    {
        FailFirstCall();
        Track(12);

        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Should().HaveCount(2);
    }

    [Fact]
    public async Task ExtendDueAsync_BatchFails_LogsHowManyWereNotExtended()
    {
        queue.ChangeVisibility = _ => throw new HttpRequestException("connection reset");
        Track(3);

        await keeper.ExtendDueAsync(Ct);

        logs.Lines.Should().ContainSingle(l => l.Contains("Extending the visibility of 3 in-flight messages failed (connection reset)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExtendDueAsync_ExtendedATickAgo_NotExtendedAgain()
    {
        Track(1);
        await keeper.ExtendDueAsync(Ct);

        time.Advance(Interval);
        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Should().ContainSingle("110 s of the 120 granted are left");
    }

    [Fact]
    public async Task ExtendDueAsync_ReceiveGrantedTheVisibility_NotExtendedUntilLessThanHalfOfItIsLeft()
    {
        var message = ScriptedQueue.Messages(1, 1).Single() with { InvisibleUntil = time.GetUtcNow() + Visibility };
        keeper.Track(message);
        await keeper.ExtendDueAsync(Ct);
        queue.VisibilityBatches.Should().BeEmpty("the receive granted all 120 s");

        time.Advance(Visibility / 2 + TimeSpan.FromSeconds(1));
        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Should().ContainSingle();
    }

    [Fact]
    public async Task ExtendDueAsync_LessThanHalfOfTheGrantLeft_ExtendedAgain()
    {
        Track(1);
        await keeper.ExtendDueAsync(Ct);

        time.Advance(Visibility / 2 + TimeSpan.FromSeconds(1));
        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Should().HaveCount(2);
    }

    [Fact]
    public async Task ExtendDueAsync_ReceivedSinceTheLastExtension_OnlyTheNewOneExtended()
    {
        Track(1);
        await keeper.ExtendDueAsync(Ct);
        Track(1, first: 2);

        time.Advance(Interval);
        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches[^1].Batch.Select(m => m.MessageId).Should().Equal("msg-2");
    }

    [Fact]
    public async Task ExtendDueAsync_LastExtensionFailed_ExtendedAtTheNextLook()
    {
        FailFirstCall();
        Track(1);
        await keeper.ExtendDueAsync(Ct);

        time.Advance(Interval);
        await keeper.ExtendDueAsync(Ct);

        visibilityCalls.Should().Be(2);
    }

    [Fact]
    public async Task ExtendDueAsync_SqsAnswersOneAsNotChanged_OnlyThatOneExtendedAtTheNextLook()
    {
        queue.NotChanged = batch => queue.VisibilityBatches.Count == 1 ? [.. batch.Where(m => m.MessageId == "msg-2")] : [];
        Track(2);
        await keeper.ExtendDueAsync(Ct);

        time.Advance(Interval);
        await keeper.ExtendDueAsync(Ct);

        queue.VisibilityBatches[^1].Batch.Select(m => m.MessageId).Should().Equal(["msg-2"], "what SQS did not change still has only the queue's own timeout");
    }

    [Fact]
    public async Task ExtendDueAsync_ACallGetsNoAnswerWithinAnInterval_GivenUpAndTheNextBatchExtended()
    {
        var calls = 0;
        var stalled = new StallingQueue(() => Interlocked.Increment(ref calls) == 1);
        var bounded = new VisibilityKeeper(stalled, Visibility, Interval, time, logs.CreateLogger("test"));
        foreach (var message in ScriptedQueue.Messages(11))
            bounded.Track(message);

        var extending = bounded.ExtendDueAsync(Ct);
        await time.AdvanceUntilCompleteAsync(extending, TimeSpan.FromSeconds(1));

        stalled.Extended.Should().ContainSingle().Which.Should().HaveCount(1, "the batch after the stalled one");
        logs.Lines.Should().ContainSingle(l => l.Contains("Extending the visibility of 10 in-flight messages failed (no answer within 10 s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExtendDueAsync_IntervalLeavesNoRoomToWait_ExtendedAtEveryLook()
    {
        var tight = new VisibilityKeeper(queue, TimeSpan.FromSeconds(30), Interval, time, logs.CreateLogger("test"));
        tight.Track(ScriptedQueue.Message(1));
        await tight.ExtendDueAsync(Ct);

        time.Advance(Interval);
        await tight.ExtendDueAsync(Ct);

        queue.VisibilityBatches.Should().HaveCount(2, "waiting for half of 30 s to run out would leave less than two ticks to retry in");
    }

    [Fact]
    public async Task RunAsync_Ticking_ExtendsAtTheFirstTickThenWhenHalfOfTheGrantIsLeft()
    {
        Track(1);
        var started = time.GetUtcNow();
        using var running = new CancellationTokenSource();
        var loop = keeper.RunAsync(running.Token);

        await TicksUntilAsync(3);

        (time.GetUtcNow() - started).Should().BeCloseTo(TimeSpan.FromSeconds(150), TimeSpan.FromSeconds(1), "extended at 10 s (until 130 s), at 80 s (until 200 s), at 150 s");
        await running.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task RunAsync_TwoTracked_ExtendedTogether()
    {
        Track(2);
        using var running = new CancellationTokenSource();
        var loop = keeper.RunAsync(running.Token);

        await TicksUntilAsync(2);

        queue.VisibilityBatches.Should().AllSatisfy(b => b.Batch.Should().HaveCount(2));
        await running.CancelAsync();
        await loop;
    }

    [Fact]
    public async Task RunAsync_BeforeTheFirstInterval_ExtendsNothing()
    {
        Track(1);
        using var running = new CancellationTokenSource();
        var loop = keeper.RunAsync(running.Token);

        time.Advance(Interval - TimeSpan.FromSeconds(1));
        await running.CancelAsync();
        await loop;

        queue.VisibilityBatches.Should().BeEmpty("a message just received has its full visibility timeout");
    }

    [Fact]
    public async Task RunAsync_ATickFails_NextTickTriesAgain()
    {
        FailFirstCall();
        Track(1);
        using var running = new CancellationTokenSource();
        var loop = keeper.RunAsync(running.Token);

        await TicksUntilAsync(2);

        await running.CancelAsync();
        await loop;
        visibilityCalls.Should().BeGreaterThanOrEqualTo(2, "the tick after the failed one extended the message again");
    }

    [Fact]
    public async Task RunAsync_Cancelled_EndsQuietly()
    {
        using var running = new CancellationTokenSource();
        var loop = keeper.RunAsync(running.Token);

        await running.CancelAsync();

        await loop.Invoking(l => l).Should().NotThrowAsync();
    }

    /// <summary>A queue whose visibility calls hang until cancelled when <c>stall()</c> says so.</summary>
    private sealed class StallingQueue(Func<bool> stall) : IMessageQueue
    {
        public ConcurrentQueue<IReadOnlyList<QueueMessage>> Extended { get; } = new();

        public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<QueueMessage>>([]);

        public Task<IReadOnlyList<QueueMessage>> DeleteAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<QueueMessage>>([]);

        public async Task<IReadOnlyList<QueueMessage>> ChangeVisibilityAsync(IReadOnlyList<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken)
        {
            if (stall())
                await Task.Delay(Timeout.Infinite, cancellationToken);
            Extended.Enqueue(messages);
            return [];
        }
    }
}
