using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Tests.Queue;

/// <summary>Deletes settled messages in batches of up to 10 within a window; each caller learns its message's fate.</summary>
public sealed class AcknowledgerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(100);
    private readonly TestScheduler scheduler = new();
    private readonly ScriptedQueue queue = new(TimeProvider.System);

    private Acknowledger Acknowledger() => new(queue, Window, scheduler, NullLogger.Instance);

    private void PassTheWindow() => scheduler.AdvanceBy(Window.Ticks);

    [Fact]
    public async Task DeleteAsync_ThreeWithinTheWindow_OneBatchWhenItEnds()
    {
        await using var acknowledger = Acknowledger();
        foreach (var message in ScriptedQueue.Messages(3))
            _ = acknowledger.DeleteAsync(message);

        queue.DeleteBatches.Should().BeEmpty("the window is still open");
        PassTheWindow();

        queue.DeleteBatches.Should().ContainSingle().Which.Select(m => m.MessageId).Should().Equal("msg-1", "msg-2", "msg-3");
    }

    [Fact]
    public async Task DeleteAsync_TenWithinTheWindow_BatchGoesAtOnce()
    {
        await using var acknowledger = Acknowledger();
        foreach (var message in ScriptedQueue.Messages(10))
            _ = acknowledger.DeleteAsync(message);

        queue.DeleteBatches.Should().ContainSingle().Which.Should().HaveCount(10);
    }

    [Fact]
    public async Task DeleteAsync_ElevenWithinTheWindow_TenAtOnceAndOneWhenTheWindowEnds()
    {
        await using var acknowledger = Acknowledger();
        foreach (var message in ScriptedQueue.Messages(11))
            _ = acknowledger.DeleteAsync(message);
        PassTheWindow();

        queue.DeleteBatches.Select(b => b.Count).Should().Equal(10, 1);
    }

    [Fact]
    public async Task DeleteAsync_Deleted_AnswersTrue()
    {
        await using var acknowledger = Acknowledger();
        var deleted = acknowledger.DeleteAsync(ScriptedQueue.Message(1));
        PassTheWindow();

        (await deleted).Should().BeTrue();
    }

    [Fact]
    public async Task DeleteAsync_OneOfTheBatchNotDeleted_OnlyItsCallerLearnsFalse()
    {
        queue.Delete = batch => [.. batch.Where(m => m.MessageId == "msg-2")];
        await using var acknowledger = Acknowledger();
        var answers = ScriptedQueue.Messages(3).Select(acknowledger.DeleteAsync).ToList();
        PassTheWindow();

        (await Task.WhenAll(answers)).Should().Equal(true, false, true);
    }

    [Fact]
    public async Task DeleteAsync_BatchCallFails_EveryCallerLearnsFalse()
    {
        queue.Delete = _ => throw new HttpRequestException("connection reset");
        await using var acknowledger = Acknowledger();
        var answers = ScriptedQueue.Messages(2).Select(acknowledger.DeleteAsync).ToList();
        PassTheWindow();

        (await Task.WhenAll(answers)).Should().Equal(false, false);
    }

    [Fact]
    public async Task DeleteAsync_BatchCallFails_LaterBatchesStillGo()
    {
        var calls = 0;
        queue.Delete = _ => ++calls == 1 ? throw new HttpRequestException("connection reset") : [];
        await using var acknowledger = Acknowledger();
        _ = acknowledger.DeleteAsync(ScriptedQueue.Message(1));
        PassTheWindow();

        var later = acknowledger.DeleteAsync(ScriptedQueue.Message(2));
        PassTheWindow();

        (await later).Should().BeTrue("a failed batch does not end the acknowledger");
    }

    [Fact]
    public async Task DisposeAsync_MessagesWaitingForTheWindow_DeletesThemFirst()
    {
        var acknowledger = Acknowledger();
        var answers = ScriptedQueue.Messages(2).Select(acknowledger.DeleteAsync).ToList();

        await acknowledger.DisposeAsync();

        (await Task.WhenAll(answers)).Should().Equal(true, true);
        queue.DeleteBatches.Should().ContainSingle();
    }

    [Fact]
    public async Task DeleteAsync_AfterDisposal_FalseWithoutACall()
    {
        var acknowledger = Acknowledger();
        await acknowledger.DisposeAsync();

        (await acknowledger.DeleteAsync(ScriptedQueue.Message(1))).Should().BeFalse();
        queue.DeleteBatches.Should().BeEmpty();
    }
}
