using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Work for one instance in arrival order, for different instances at once; an entry only while a key has work.</summary>
public sealed class InstanceSerializerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly InstanceSerializer serializer = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_SameKey_SecondStartsOnlyAfterTheFirstEnds()
    {
        var first = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var one = serializer.RunAsync("i-1", () =>
        {
            firstStarted.SetResult();
            return first.Task;
        });
        // The second says whether the first had ended when it ran: -1 if it ran while the first was still held open.
        var two = serializer.RunAsync("i-1", () => Task.FromResult(one.IsCompleted ? 2 : -1));

        await firstStarted.Task.WaitAsync(Patience, Ct);
        first.SetResult(1);

        (await two.WaitAsync(Patience, Ct)).Should().Be(2, "the second starts once the first has ended");
        (await one).Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_DifferentKeys_RunAtOnce()
    {
        var blocked = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var one = serializer.RunAsync("i-1", () => blocked.Task);

        var two = await serializer.RunAsync("i-2", () => Task.FromResult(2)).WaitAsync(Patience, Ct);

        two.Should().Be(2);
        one.IsCompleted.Should().BeFalse();
        blocked.SetResult(1);
        (await one).Should().Be(1);
    }

    [Fact]
    public async Task RunAsync_EarlierWorkFaulted_NextRunsAndTheFaultStaysWithItsOwnTask()
    {
        var one = serializer.RunAsync<int>("i-1", () => throw new InvalidOperationException("boom"));
        var two = serializer.RunAsync("i-1", () => Task.FromResult(2));

        (await two.WaitAsync(Patience, Ct)).Should().Be(2);
        await one.Invoking(t => t).Should().ThrowAsync<InvalidOperationException>().WithMessage("boom");
    }

    [Fact]
    public async Task RunAsync_EarlierWorkCancelled_NextRunsAndTheCancellationStaysWithItsOwnTask()
    {
        var one = serializer.RunAsync("i-1", () => Task.FromCanceled<int>(new CancellationToken(canceled: true)));
        var two = serializer.RunAsync("i-1", () => Task.FromResult(2));

        (await two.WaitAsync(Patience, Ct)).Should().Be(2);
        await one.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
        one.IsCanceled.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_WorkThrowsAtOnce_FaultsTheReturnedTaskInsteadOfThrowingAtTheCaller()
    {
        var task = serializer.RunAsync<int>("i-1", () => throw new InvalidOperationException("boom"));

        await task.Invoking(t => t).Should().ThrowAsync<InvalidOperationException>().WithMessage("boom");
        serializer.ActiveKeys.Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_NoEarlierWork_DoesNotRunTheWorkOnTheCallersThread()
    {
        var caller = Environment.CurrentManagedThreadId;
        var returned = false;
        var ranInline = false;

        var task = serializer.RunAsync("i-1", () =>
        {
            ranInline = Environment.CurrentManagedThreadId == caller && !Volatile.Read(ref returned);
            return Task.FromResult(1);
        });
        Volatile.Write(ref returned, true);
        await task.WaitAsync(Patience, Ct);

        ranInline.Should().BeFalse("work never runs under the serializer's lock, nor holds up its caller");
    }

    [Fact]
    public async Task RunAsync_EarlierWorkEndsWhileMoreIsQueued_KeepsTheKeyUntilTheLastEnds()
    {
        var first = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var one = serializer.RunAsync("i-1", () => first.Task);
        var two = serializer.RunAsync("i-1", () => second.Task);
        serializer.ActiveKeys.Should().Be(1);

        first.SetResult(1);
        await one.WaitAsync(Patience, Ct);
        serializer.ActiveKeys.Should().Be(1, "the second work for the instance has not ended");

        second.SetResult(2);
        await two.WaitAsync(Patience, Ct);
        serializer.ActiveKeys.Should().Be(0, "an entry lives only while its key has work");
    }

    [Fact]
    public async Task RunAsync_KeyDoneThenNewWork_RunsAtOnceUnderAFreshEntry()
    {
        await serializer.RunAsync("i-1", () => Task.FromResult(1)).WaitAsync(Patience, Ct);

        (await serializer.RunAsync("i-1", () => Task.FromResult(2)).WaitAsync(Patience, Ct)).Should().Be(2);
        serializer.ActiveKeys.Should().Be(0);
    }
}
