using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Queue;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Queue;

/// <summary>The queue as an observable: polls for free slots only, backs off on errors, ends on stop or a fatal error.</summary>
public sealed class MessageSourceTests : IDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);
    private readonly FakeTimeProvider time = new();
    private readonly ScriptedQueue queue;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<QueueMessage> emitted = new();
    private readonly TaskCompletionSource<Exception?> ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CapturedLogs logs = new();

    public MessageSourceTests() => queue = new ScriptedQueue(time);

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
        logs.Dispose();
    }

    private void Subscribe(InFlightLimiter limiter, int pollers = 1, int maxMessages = 10) =>
        new MessageSource(queue, limiter, pollers, maxMessages, time, logs.CreateLogger("test"))
            .Messages(stop.Token)
            .Subscribe(emitted.Enqueue, e => ended.TrySetResult(e), () => ended.TrySetResult(null));

    /// <summary>The pauses the source said it takes after each failed receive, in order.</summary>
    private IReadOnlyList<TimeSpan> Pauses =>
    [
        .. logs.Lines
            .Select(line => Regex.Match(line, @"Receiving from SQS failed .*\[.*Delay=([0-9:.]+)"))
            .Where(m => m.Success)
            .Select(m => TimeSpan.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)),
    ];

    /// <summary>When a pause ends on the fake clock, whose timers count whole milliseconds (800.26 ms ends at 800 ms).</summary>
    private static TimeSpan EndOf(TimeSpan pause) => TimeSpan.FromMilliseconds(Math.Floor(pause.TotalMilliseconds));

    private Task<Exception?> Ended => ended.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Messages_FewerSlotsFreeThanMaxMessages_AsksOnlyForTheFreeOnes()
    {
        using var limiter = new InFlightLimiter(3);
        Subscribe(limiter, maxMessages: 10);

        (await queue.NextReceiveAsync()).MaxMessages.Should().Be(3);
    }

    [Fact]
    public async Task Messages_EverySlotHeld_NextReceiveAsksOnlyForTheSlotReleased()
    {
        using var limiter = new InFlightLimiter(2);
        Subscribe(limiter);
        (await queue.NextReceiveAsync()).Answer.SetResult(ScriptedQueue.Messages(2));

        limiter.Release();

        (await queue.NextReceiveAsync()).MaxMessages.Should().Be(1, "two messages hold two of the two slots until one is settled");
    }

    [Fact]
    public async Task Messages_FewerMessagesThanAskedFor_GivesTheUnusedSlotsBack()
    {
        using var limiter = new InFlightLimiter(5);
        Subscribe(limiter);
        (await queue.NextReceiveAsync()).Answer.SetResult(ScriptedQueue.Messages(2));

        (await queue.NextReceiveAsync()).MaxMessages.Should().Be(3);
        limiter.InFlight.Should().Be(5, "the two messages hold theirs and the second receive holds the three left");
    }

    [Fact]
    public async Task Messages_Received_EmittedInOrder()
    {
        using var limiter = new InFlightLimiter(5);
        Subscribe(limiter);
        (await queue.NextReceiveAsync()).Answer.SetResult(ScriptedQueue.Messages(3));
        await queue.NextReceiveAsync();

        emitted.Select(m => m.MessageId).Should().Equal("msg-1", "msg-2", "msg-3");
    }

    [Fact]
    public async Task Messages_ReceiveFails_GivesItsSlotsBack()
    {
        using var limiter = new InFlightLimiter(4);
        Subscribe(limiter);
        (await queue.NextReceiveAsync()).Answer.SetException(new HttpRequestException("connection reset"));

        var retry = await time.AdvanceUntilCompleteAsync(queue.NextReceiveAsync(), Step);

        retry.MaxMessages.Should().Be(4, "the failed receive's slots were given back");
    }

    [Fact]
    public async Task Messages_ReceiveFails_PollsAgainAfterAPauseOfHalfToAllOfOneSecond()
    {
        using var limiter = new InFlightLimiter(1);
        Subscribe(limiter);
        var failed = await queue.NextReceiveAsync();
        failed.Answer.SetException(new HttpRequestException("connection reset"));

        var retry = await time.AdvanceUntilCompleteAsync(queue.NextReceiveAsync(), Step);

        Pauses.Should().ContainSingle().Which.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(500)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(1));
        (retry.At - failed.At).Should().BeGreaterThanOrEqualTo(EndOf(Pauses[0]));
    }

    [Fact]
    public async Task Messages_ReceiveFailsTwice_SecondPauseIsDoubled()
    {
        using var limiter = new InFlightLimiter(1);
        Subscribe(limiter);
        (await queue.NextReceiveAsync()).Answer.SetException(new HttpRequestException("connection reset"));
        var second = await time.AdvanceUntilCompleteAsync(queue.NextReceiveAsync(), Step);
        second.Answer.SetException(new HttpRequestException("connection reset"));

        var third = await time.AdvanceUntilCompleteAsync(queue.NextReceiveAsync(), Step);

        Pauses[1].Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(2));
        (third.At - second.At).Should().BeGreaterThanOrEqualTo(EndOf(Pauses[1]));
    }

    [Fact]
    public async Task Messages_ReceiveSucceedsAfterAFailure_NextPauseStartsAgainFromOneSecond()
    {
        using var limiter = new InFlightLimiter(1);
        Subscribe(limiter);
        (await queue.NextReceiveAsync()).Answer.SetException(new HttpRequestException("connection reset"));
        (await time.AdvanceUntilCompleteAsync(queue.NextReceiveAsync(), Step)).Answer.SetResult([]);
        (await queue.NextReceiveAsync()).Answer.SetException(new HttpRequestException("connection reset"));

        await time.AdvanceUntilCompleteAsync(queue.NextReceiveAsync(), Step);

        Pauses[1].Should().BeLessThanOrEqualTo(TimeSpan.FromSeconds(1), "a receive that worked resets the backoff");
    }

    [Fact]
    public async Task Messages_Stopped_CompletesAndGivesTheWaitingReceivesSlotsBack()
    {
        using var limiter = new InFlightLimiter(3);
        Subscribe(limiter, pollers: 2, maxMessages: 2);
        await queue.NextReceiveAsync();
        await queue.NextReceiveAsync();

        await stop.CancelAsync();

        (await Ended).Should().BeNull("stopping completes the stream");
        limiter.InFlight.Should().Be(0);
    }

    [Fact]
    public async Task Messages_QueueUnavailable_FailsWithThatError()
    {
        using var limiter = new InFlightLimiter(3);
        Subscribe(limiter);
        var fatal = new QueueUnavailableException("the queue does not exist");

        (await queue.NextReceiveAsync()).Answer.SetException(fatal);

        (await Ended).Should().BeSameAs(fatal);
    }

    [Fact]
    public async Task Messages_QueueUnavailableForOnePoller_StopsTheOthersToo()
    {
        using var limiter = new InFlightLimiter(4);
        Subscribe(limiter, pollers: 2, maxMessages: 2);
        var first = await queue.NextReceiveAsync();
        var second = await queue.NextReceiveAsync();

        first.Answer.SetException(new QueueUnavailableException("access denied"));
        await Ended;

        second.Token.IsCancellationRequested.Should().BeTrue("the other poller's long poll is cancelled");
        limiter.InFlight.Should().Be(0);
    }
}
