using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Tests.Pipeline;

namespace SaltApiBridge.Tests.AutoScaling;

public sealed class HeartbeatKeeperTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 15, 10, 0, 0, TimeSpan.Zero);
    private static readonly LifecycleActionIdentity Action = new("my-asg", "my-hook", "87654321-4321-4321-4321-210987654321", "i-1234567890abcdef0");
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider time = new(Start);
    private readonly FakeAutoScalingInventory inventory = new() { DefaultGroup = "my-asg" };
    private readonly RecordingLifecycleActionClient client;
    private readonly HeartbeatKeeper keeper;

    public HeartbeatKeeperTests()
    {
        client = new RecordingLifecycleActionClient(time);
        var options = Options.Create(new AutoScalingOptions());
        keeper = new HeartbeatKeeper(
            client, new LifecycleHookCatalog(inventory, options, time, NullLogger<LifecycleHookCatalog>.Instance), options, time,
            NullLogger<HeartbeatKeeper>.Instance)
        {
            Jitter = () => 0,
        };
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
    public async Task StartAsync_HookWith300sTimeoutPastItsGlobalTimeout_StopsAtTheGlobalTimeout()
    {
        // The fake's hooks have a 300 s heartbeat timeout and no reported global timeout: 100 × 300 s = 30000 s.
        var hook = new LifecycleActionIdentity("my-asg", "provision", Action.LifecycleActionToken, Action.InstanceId);
        await using var lease = await keeper.StartAsync(hook, Start, resumed: false, TestContext.Current.CancellationToken);

        for (var i = 1; i < 300; i++)
        {
            time.Advance(TimeSpan.FromSeconds(100));
            await client.NextAsync();
        }

        lease.Completion.IsCompleted.Should().BeFalse("29900 s in, the global timeout is still ahead");
        time.Advance(TimeSpan.FromSeconds(100));
        var reason = await lease.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var atDeadline = client.Received.Count;
        time.Advance(TimeSpan.FromHours(1));

        reason.Should().Be(HeartbeatStopReason.GlobalTimeout);
        lease.ActionGone.Should().BeTrue("after the global timeout Auto Scaling has applied the default result");
        client.Received.Should().HaveCount(atDeadline, "no heartbeat after the global timeout")
            .And.OnlyContain(at => at <= Start + TimeSpan.FromSeconds(30_000));
        atDeadline.Should().BeGreaterThanOrEqualTo(299, "a beat every 100 s until then");
    }

    [Fact]
    public async Task Start_DeadlineBetweenTwoTicks_StopsAtTheDeadlineNotAtTheNextTick()
    {
        var plan = new HeartbeatPlan(Interval, Start + TimeSpan.FromMinutes(12), "ABANDON");
        await using var lease = keeper.Start(Action, plan, TestContext.Current.CancellationToken);
        time.Advance(Interval);
        await client.NextAsync();
        time.Advance(Interval);
        await client.NextAsync();

        time.Advance(TimeSpan.FromMinutes(2));
        var reason = await lease.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        reason.Should().Be(HeartbeatStopReason.GlobalTimeout, "the last period is cut short at the deadline");
        client.Received.Should().Equal(Start + Interval, Start + (2 * Interval));
    }

    [Fact]
    public async Task Start_DeadlineAlreadyPassedWhenResumed_StopsWithoutAHeartbeat()
    {
        var plan = new HeartbeatPlan(Interval, Start - TimeSpan.FromSeconds(1), "ABANDON", BeatAtOnce: true);
        await using var lease = keeper.Start(Action, plan, TestContext.Current.CancellationToken);

        var reason = await lease.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(1));

        reason.Should().Be(HeartbeatStopReason.GlobalTimeout);
        client.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Start_DeadlinePassesDuringAHeartbeatCall_CancelsTheCallAndStopsAtTheGlobalTimeout()
    {
        client.ThenHangUntilCancelled();
        var plan = new HeartbeatPlan(Interval, Start + TimeSpan.FromMinutes(7), "ABANDON");
        var lease = keeper.Start(Action, plan, TestContext.Current.CancellationToken);
        time.Advance(Interval);
        await client.NextAsync();

        time.Advance(TimeSpan.FromMinutes(2));
        var reason = await lease.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(1));
        await lease.DisposeAsync(); // not under `using`: it would wait forever for a call never cancelled

        reason.Should().Be(HeartbeatStopReason.GlobalTimeout);
        client.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task DisposeAsync_HeartbeatCallInFlight_CancelsItAndStops()
    {
        client.ThenHangUntilCancelled();
        var lease = keeper.Start(Action, Interval, TestContext.Current.CancellationToken);
        time.Advance(Interval);
        await client.NextAsync();

        await lease.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromHours(1));

        (await lease.Completion).Should().Be(HeartbeatStopReason.Stopped);
        client.Received.Should().ContainSingle();
    }

    [Fact]
    public async Task Start_JobCancelledDuringAHeartbeatCall_CancelsItAndStops()
    {
        client.ThenHangUntilCancelled();
        using var job = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var lease = keeper.Start(Action, new HeartbeatPlan(Interval, Start + TimeSpan.FromHours(1)), job.Token);
        time.Advance(Interval);
        await client.NextAsync();

        await job.CancelAsync();
        var reason = await lease.Completion.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        await lease.DisposeAsync(); // not under `using`: it would wait forever for a call never cancelled

        reason.Should().Be(HeartbeatStopReason.Stopped);
        lease.ActionGone.Should().BeFalse();
    }

    [Fact]
    public async Task StartAsync_Resumed_BeatsAtOnceThenAtTheInterval()
    {
        var hook = new LifecycleActionIdentity("my-asg", "provision", Action.LifecycleActionToken, Action.InstanceId);
        await using var lease = await keeper.StartAsync(hook, Start, resumed: true, TestContext.Current.CancellationToken);

        (await client.NextAsync()).Should().Be(Start, "a resumed action may have waited: the first heartbeat goes out at once");
        time.Advance(TimeSpan.FromSeconds(100));
        (await client.NextAsync()).Should().Be(Start + TimeSpan.FromSeconds(100));
    }

    [Fact]
    public async Task PlanAsync_ConfiguredIntervalNotShorterThanTheHookTimeout_UsesAThirdOfTheTimeout()
    {
        var options = Options.Create(new AutoScalingOptions { HeartbeatInterval = TimeSpan.FromMinutes(10) });
        var configured = new HeartbeatKeeper(
            client, new LifecycleHookCatalog(inventory, options, time, NullLogger<LifecycleHookCatalog>.Instance), options, time,
            NullLogger<HeartbeatKeeper>.Instance) { Jitter = () => 0 };
        var hook = new LifecycleActionIdentity("my-asg", "provision", null, Action.InstanceId);

        var plan = await configured.PlanAsync(hook, Start, TestContext.Current.CancellationToken);

        plan.Interval.Should().Be(TimeSpan.FromSeconds(100), "600 s could never keep a 300 s hook alive");
    }

    [Fact]
    public async Task PlanAsync_HookNotFound_FallsBackToTenSecondsAndTheFortyEightHourCap()
    {
        var unknown = new LifecycleActionIdentity("my-asg", "no-such-hook", null, Action.InstanceId);

        var plan = await keeper.PlanAsync(unknown, Start, TestContext.Current.CancellationToken);

        plan.Interval.Should().Be(TimeSpan.FromSeconds(10));
        plan.Deadline.Should().Be(Start + TimeSpan.FromHours(48));
    }

    [Theory]
    [InlineData(0.0, 100.0)]
    [InlineData(0.5, 95.0)]
    [InlineData(0.999999, 90.0)]
    public void DeriveInterval_300sTimeout_AThirdLessUpToTenPercent(double jitter, double seconds) =>
        HeartbeatPlan.DeriveInterval(TimeSpan.FromSeconds(300), null, jitter).TotalSeconds.Should().BeApproximately(seconds, 0.001);

    [Fact]
    public async Task DisposeAsync_Twice_IsHarmless()
    {
        var lease = keeper.Start(Action, Interval, TestContext.Current.CancellationToken);

        await lease.DisposeAsync();
        await lease.DisposeAsync();

        (await lease.Completion).Should().Be(HeartbeatStopReason.Stopped);
    }
}
