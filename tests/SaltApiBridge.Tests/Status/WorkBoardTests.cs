using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Status;
using SaltApiBridge.Tests.Salt.Events;

namespace SaltApiBridge.Tests.Status;

/// <summary>What this replica works on now and what it finished last, and the hook-timeout ratio computed from it.</summary>
public sealed class WorkBoardTests : IDisposable
{
    private readonly FakeTimeProvider time = new();
    private readonly MetricRecorder metrics = new();
    private readonly WorkBoard board;

    public WorkBoardTests() => board = new WorkBoard(time, metrics.Factory);

    public void Dispose() => metrics.Dispose();

    private WorkInProgress Start(int n, TimeSpan? hookTimeout = null)
    {
        var work = board.Start(LifecycleEventKind.Launching, $"i-{n:x17}", $"web-i-{n:x17}", $"msg-{n}", 1);
        work.HookTimeout = hookTimeout;
        return work;
    }

    [Fact]
    public void Start_TwoWorks_InFlightOldestFirst()
    {
        Start(1);
        time.Advance(TimeSpan.FromSeconds(1));
        Start(2);

        board.InFlight.Select(w => w.MessageId).Should().Equal("msg-1", "msg-2");
    }

    [Fact]
    public void Finish_Work_MovesFromInFlightToRecentWithHowLongItTook()
    {
        var work = Start(1);
        work.Master = "local";
        time.Advance(TimeSpan.FromSeconds(42));

        board.Finish(work, "CONTINUE", "provisioned; completed CONTINUE");

        board.InFlight.Should().BeEmpty();
        board.Recent.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Result = "CONTINUE", Took = TimeSpan.FromSeconds(42), Master = "local" });
    }

    [Fact]
    public void Finish_Twice_InRecentOnce()
    {
        var work = Start(1);

        board.Finish(work, "CONTINUE", "done");
        board.Finish(work, "CONTINUE", "done");

        board.Recent.Should().ContainSingle();
    }

    [Fact]
    public void Finish_MoreThanTheCapacity_KeepsTheNewestTwenty()
    {
        for (var n = 1; n <= WorkBoard.RecentCapacity + 5; n++)
            board.Finish(Start(n), "CONTINUE", $"done {n}");

        board.Recent.Select(d => d.Summary).Should().Equal(Enumerable.Range(6, WorkBoard.RecentCapacity).Select(n => $"done {n}"));
    }

    [Fact]
    public void HookTimeoutRatio_NothingInFlight_Zero()
    {
        board.Finish(Start(1, TimeSpan.FromSeconds(300)), "CONTINUE", "done");
        time.Advance(TimeSpan.FromMinutes(10));

        board.HookTimeoutRatio().Should().Be(0);
    }

    [Fact]
    public void HookTimeoutRatio_HookTimeoutNotKnownYet_Zero()
    {
        Start(1);
        time.Advance(TimeSpan.FromMinutes(10));

        board.HookTimeoutRatio().Should().Be(0);
    }

    [Fact]
    public void HookTimeoutRatio_SeveralInFlight_TheHighestAgeAgainstItsOwnTimeout()
    {
        Start(1, TimeSpan.FromSeconds(300));
        time.Advance(TimeSpan.FromSeconds(60));
        Start(2, TimeSpan.FromSeconds(100));
        time.Advance(TimeSpan.FromSeconds(60));

        board.HookTimeoutRatio().Should().Be(0.6, "60 s of 100 s is further along than 120 s of 300 s");
    }

    [Fact]
    public void HookTimeoutRatioGauge_Read_IsTheRatio()
    {
        Start(1, TimeSpan.FromSeconds(200));
        time.Advance(TimeSpan.FromSeconds(50));

        metrics.Last("work_hook_timeout_ratio{}").Should().Be(0.25);
    }
}
