using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

public sealed class HeartbeatKeeperTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly LifecycleActionIdentity Action = new("my-asg", "my-hook", "87654321-4321-4321-4321-210987654321", "i-1234567890abcdef0");
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(Start);
    private readonly RecordingLifecycleActionClient client;
    private readonly HeartbeatKeeper keeper;

    public HeartbeatKeeperTests()
    {
        client = new RecordingLifecycleActionClient(time);
        keeper = new HeartbeatKeeper(
            client, Options.Create(new AutoScalingOptions { HeartbeatInterval = TimeSpan.FromMinutes(10) }), time,
            NullLogger<HeartbeatKeeper>.Instance);
    }

    [Fact]
    public async Task Start_ThirtyMinuteHighstate_SendsSixHeartbeatsAtTheIntervalAndNoneAfterwards()
    {
        await using var lease = keeper.Start(Action, Interval, TestContext.Current.CancellationToken);

        for (var i = 0; i < 6; i++)
        {
            time.Advance(Interval);
            await client.NextAsync();
        }

        await lease.DisposeAsync(); // the job is done
        time.Advance(TimeSpan.FromHours(1));

        client.Received.Should().Equal(Enumerable.Range(1, 6).Select(i => Start + (i * Interval)));
        client.HasUnread.Should().BeFalse();
        (await lease.Completion).Should().Be(HeartbeatStopReason.Stopped);
    }

    [Fact]
    public async Task Start_JobCancelled_StopsAndSendsNoMore()
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        await using var lease = keeper.Start(Action, Interval, job.Token);
        time.Advance(Interval);
        await client.NextAsync();

        await job.CancelAsync();
        var reason = await lease.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(1));

        reason.Should().Be(HeartbeatStopReason.Stopped);
        client.Received.Should().ContainSingle();
        lease.ActionGone.Should().BeFalse();
    }

    [Fact]
    public async Task Start_ActionGone_StopsTheKeeperAndSaysSo()
    {
        client.Then(() => LifecycleActionOutcome.Done);
        client.Then(() => LifecycleActionOutcome.ActionGone);
        await using var lease = keeper.Start(Action, Interval, TestContext.Current.CancellationToken);

        time.Advance(Interval);
        await client.NextAsync();
        time.Advance(Interval);
        await client.NextAsync();
        var reason = await lease.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(1));

        reason.Should().Be(HeartbeatStopReason.ActionGone);
        lease.ActionGone.Should().BeTrue();
        client.Received.Should().HaveCount(2);
    }

    [Fact]
    public async Task Start_TransientFailure_KeepsGoing()
    {
        client.Then(() => throw new AutoScalingException("throttled", isTransient: true, "Throttling"));
        await using var lease = keeper.Start(Action, Interval, TestContext.Current.CancellationToken);

        time.Advance(Interval);
        await client.NextAsync();
        time.Advance(Interval);
        await client.NextAsync();

        lease.Completion.IsCompleted.Should().BeFalse();
        client.Received.Should().Equal(Start + Interval, Start + (2 * Interval));
    }

    [Fact]
    public async Task Start_PermanentFailure_GivesUp()
    {
        client.Then(() => throw new AutoScalingException("not allowed", isTransient: false, "AccessDenied"));
        await using var lease = keeper.Start(Action, Interval, TestContext.Current.CancellationToken);

        time.Advance(Interval);
        await client.NextAsync();
        var reason = await lease.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(1));

        reason.Should().Be(HeartbeatStopReason.Failed);
        client.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task Start_WithoutInterval_UsesTheConfiguredOne()
    {
        await using var lease = keeper.Start(Action, TestContext.Current.CancellationToken);

        time.Advance(TimeSpan.FromMinutes(9));
        client.HasUnread.Should().BeFalse();
        time.Advance(TimeSpan.FromMinutes(1));

        (await client.NextAsync()).Should().Be(Start + TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task DisposeAsync_Twice_IsHarmless()
    {
        var lease = keeper.Start(Action, Interval, TestContext.Current.CancellationToken);

        await lease.DisposeAsync();
        await lease.DisposeAsync();

        (await lease.Completion).Should().Be(HeartbeatStopReason.Stopped);
    }
}
