using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Salt;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Tests.Salt.Events;

public sealed class SaltEventWaitersTests
{
    private const string Id = SaltApiHarness.MinionId;
    private const string HighstateJid = "20261129144256000001";
    private const string FailJid = "20261129144314759339";

    private static EventStreamTranscript Transcript => EventStreamTranscript.Instance;

    [Fact]
    public void Wants_NothingRegistered_NoTagOfTranscript50IsWanted()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());

        Transcript.Events.Should().AllSatisfy(e => waiters.Wants(Encoding.UTF8.GetBytes(e.Tag)).Should().BeFalse());
    }

    [Fact]
    public void Wants_OneJobRegistered_OnlyThatJobsReturnOfThatMinion()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var job = waiters.JobReturned(HighstateJid, Id);

        Transcript.Events.Where(e => waiters.Wants(Encoding.UTF8.GetBytes(e.Tag))).Select(e => e.Tag)
            .Should().Equal($"salt/job/{HighstateJid}/ret/{Id}");
        waiters.Wants(Encoding.UTF8.GetBytes($"salt/job/{HighstateJid}/ret/other-minion")).Should().BeFalse();
    }

    [Fact]
    public async Task Dispatch_HighstateReturnOfTranscript50_SameVerdictAsGetJobsReadsFromItsResult()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var job = waiters.JobReturned(HighstateJid, Id);
        var captured = Transcript.First($"salt/job/{HighstateJid}/ret/{Id}");

        waiters.Dispatch(Event(captured));

        var seen = await job.Task;
        seen.FallbackReason.Should().BeNull();
        // GET /jobs hands the parser Result.<id> = {return, retcode, success, out}: the event carries the same keys.
        using var result = JsonDocument.Parse(captured.Payload.ToJsonString());
        seen.Verdict.Should().BeEquivalentTo(StateReturnParser.Parse(HighstateJid, result.RootElement));
        seen.Verdict!.Status.Should().Be(StateRunStatus.Succeeded);
        seen.Verdict.Message.Should().Be("2 states succeeded");
    }

    [Fact]
    public async Task Dispatch_FailingStateReturn_FailedWithTheStateAndComment()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var job = waiters.JobReturned(FailJid, Id);

        waiters.Dispatch(Event(Transcript.First($"salt/job/{FailJid}/ret/{Id}")));

        var verdict = (await job.Task).Verdict!;
        verdict.Status.Should().Be(StateRunStatus.Failed);
        verdict.FailedStates.Should().Equal(new FailedState("test_|-intentional_failure_|-intentional failure_|-fail_without_changes", "Failure!"));
    }

    [Fact]
    public async Task Dispatch_OversizedOrUnreadableReturn_FallbackInsteadOfVerdict()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var big = waiters.JobReturned(HighstateJid, Id);
        using var broken = waiters.JobReturned(FailJid, Id);

        waiters.Dispatch(new SseEvent($"salt/job/{HighstateJid}/ret/{Id}", ReadOnlyMemory<byte>.Empty, Oversized: true));
        waiters.Dispatch(new SseEvent($"salt/job/{FailJid}/ret/{Id}", Encoding.UTF8.GetBytes("{\"data\": [1, 2"), Oversized: false));

        (await big.Task).Should().Be(new JobEventReturn(null, "the return was larger than SaltApi:EventStream:MaxEventBytes"));
        (await broken.Task).Verdict.Should().BeNull();
    }

    [Fact]
    public async Task JobReturned_RegisteredBeforeThePublishAndJoinedByTheWait_WaitSeesTheEarlyReturn()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        var watch = waiters.JobReturned(HighstateJid, Id);
        waiters.Dispatch(Event(Transcript.First($"salt/job/{HighstateJid}/ret/{Id}")));

        using var wait = waiters.JobReturned(HighstateJid, Id);
        watch.Dispose();

        watch.Joined.Should().BeFalse();
        wait.Joined.Should().BeTrue();
        wait.IsCompleted.Should().BeTrue();
        (await wait.Task).Verdict!.Succeeded.Should().BeTrue();
        wait.Dispose();
        waiters.Wants(Encoding.UTF8.GetBytes($"salt/job/{HighstateJid}/ret/{Id}")).Should().BeFalse("the last holder let go");
    }

    [Fact]
    public void JobWatch_HeldWatchOfThatJobsReturn_IsThatWatch()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var watch = waiters.JobReturned(HighstateJid, Id);

        waiters.JobWatch(watch, HighstateJid, Id).Should().BeSameAs(watch);
    }

    [Fact]
    public void JobWatch_AnotherJidMinionOrStreamOrALetGoWatch_Null()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var elsewhere = new SaltEventWaiters(new EventStreamMetrics());
        using var watch = waiters.JobReturned(HighstateJid, Id);
        using var foreign = elsewhere.JobReturned(HighstateJid, Id);
        var gone = waiters.JobReturned(FailJid, Id);
        gone.Dispose();

        waiters.JobWatch(watch, FailJid, Id).Should().BeNull();
        waiters.JobWatch(watch, HighstateJid, Id + "x").Should().BeNull();
        waiters.JobWatch(watch, HighstateJid[..^1], Id).Should().BeNull();
        waiters.JobWatch(foreign, HighstateJid, Id).Should().BeNull();
        waiters.JobWatch(gone, FailJid, Id).Should().BeNull();
        waiters.JobWatch(System.Reactive.Disposables.Disposable.Empty, HighstateJid, Id).Should().BeNull();
        waiters.JobWatch(null, HighstateJid, Id).Should().BeNull();
    }

    [Fact]
    public void Dispose_Twice_LetsGoOnceSoAnotherHoldersRegistrationStays()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var watch = waiters.JobReturned(HighstateJid, Id);
        var wait = waiters.JobReturned(HighstateJid, Id);

        wait.Dispose();
        wait.Dispose();

        waiters.Wants(Encoding.UTF8.GetBytes($"salt/job/{HighstateJid}/ret/{Id}")).Should().BeTrue("the watch still holds it");
    }

    [Fact]
    public void KeyPending_PendAndAcceptOfTranscript50_OnlyPendOfTheExactIdEndsIt()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var other = waiters.KeyPending("my-asg-i-0123456789abcdef1");
        using var pending = waiters.KeyPending(Id);
        waiters.Wants("salt/auth"u8).Should().BeTrue();

        waiters.Dispatch(Event(Transcript.First("salt/auth", "act", "accept")));
        pending.IsCompleted.Should().BeFalse();
        waiters.Dispatch(Event(Transcript.First("salt/auth", "act", "pend")));

        pending.IsCompleted.Should().BeTrue();
        other.IsCompleted.Should().BeFalse();
        // A new registration waits for the next attempt (every acceptance_wait_time), not the one already seen.
        using var again = waiters.KeyPending(Id);
        again.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public void MinionStarted_StartEventOfTranscript50_Ends()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        using var started = waiters.MinionStarted(Id);

        waiters.Dispatch(Event(Transcript.First($"salt/minion/{Id}/start")));

        started.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public async Task SetLive_DownThenProven_ChangedCompletesAndProvenSignalsEachGeneration()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics());
        var proven = new List<long>();
        using var subscription = waiters.Proven.Subscribe(proven.Add);

        var first = waiters.Changed;
        waiters.SetLive(true);
        await first;
        var second = waiters.Changed;
        waiters.SetLive(false);
        await second;
        waiters.SetLive(true);

        proven.Should().Equal(1, 2);
        waiters.IsLive.Should().BeTrue();
        waiters.Generation.Should().Be(2);
    }

    [Fact]
    public void Wake_BeatOfTheSharedTimer_CompletesEveryWakeIntervalAndRenews()
    {
        var time = new FakeTimeProvider();
        using var waiters = new SaltEventWaiters(new EventStreamMetrics(), timeProvider: time);
        var first = waiters.Wake;

        time.Advance(SaltEventWaiters.WakeInterval - TimeSpan.FromSeconds(1));
        first.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        first.IsCompleted.Should().BeTrue();

        var second = waiters.Wake;
        second.IsCompleted.Should().BeFalse();
        time.Advance(SaltEventWaiters.WakeInterval);
        second.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public void Wake_StreamProvenThenDown_CompletesAtEachChange()
    {
        using var waiters = new SaltEventWaiters(new EventStreamMetrics(), timeProvider: new FakeTimeProvider());
        var beforeProof = waiters.Wake;

        waiters.SetLive(true);
        var beforeDrop = waiters.Wake;
        beforeDrop.IsCompleted.Should().BeFalse();
        waiters.SetLive(false);

        beforeProof.IsCompleted.Should().BeTrue();
        beforeDrop.IsCompleted.Should().BeTrue();
    }

    [Fact]
    public void Wake_Disposed_TimerStopsBeating()
    {
        var time = new FakeTimeProvider();
        var waiters = new SaltEventWaiters(new EventStreamMetrics(), timeProvider: time);
        var wake = waiters.Wake;

        waiters.Dispose();
        time.Advance(SaltEventWaiters.WakeInterval * 2);

        wake.IsCompleted.Should().BeFalse();
    }

    private static SseEvent Event(CapturedEvent captured) =>
        new(captured.Tag, Encoding.UTF8.GetBytes(captured.Data.ToJsonString()), Oversized: false);
}
