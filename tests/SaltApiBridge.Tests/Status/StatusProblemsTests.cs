using SaltApiBridge.Hosting;
using SaltApiBridge.Queue;
using SaltApiBridge.Status;

namespace SaltApiBridge.Tests.Status;

/// <summary>What makes <c>saltapibridge status</c> say that something needs a person (and exit 1).</summary>
public sealed class StatusProblemsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static WorkStatus Work(double ageSeconds, double? hookTimeoutSeconds) => new(
        "Launching", "i-0123456789abcdef0", "web-i-0123456789abcdef0", "highstate running", Now.AddSeconds(-ageSeconds), ageSeconds, 1,
        "m-1", "local", "20261206115000000000", hookTimeoutSeconds);

    private static MasterStatus Master(string name = "local", string stream = "proven", DateTimeOffset? streamDownSince = null, DateTimeOffset? owedSince = null) =>
        new(name, true, stream, streamDownSince, Now.AddSeconds(-2), owedSince is null ? 0 : 1, 0, owedSince);

    private static IReadOnlyList<string> Find(
        IEnumerable<WorkStatus>? work = null, IEnumerable<MasterStatus>? masters = null, IEnumerable<DependencyOutage>? outages = null, QueueDepths? queue = null) =>
        StatusProblems.Find(Now, work ?? [], masters ?? [Master()], outages ?? [], queue);

    [Fact]
    public void Find_AllWell_None()
    {
        Find(work: [Work(100, 600)], queue: new QueueDepths(new QueueDepth(3, 1, 0), new QueueDepth(0, 0, 0), Now)).Should().BeEmpty();
    }

    [Fact]
    public void Find_WorkOlderThanHalfItsHooksTimeout_NamesItsInstanceStepAndTimeout()
    {
        Find(work: [Work(301, 600)]).Should().ContainSingle().Which.Should()
            .Be("Launching i-0123456789abcdef0 has been in flight for 5m01s (now: highstate running), more than half its hook's heartbeat timeout of 10m00s");
    }

    [Fact]
    public void Find_WorkWhoseHookIsNotKnownYet_None()
    {
        Find(work: [Work(3600, null)]).Should().BeEmpty("the hook's timeout is learnt when heartbeats start");
    }

    [Fact]
    public void Find_MasterSaltApiNotAnswering_NamesTheMasterHowLongAndTheError()
    {
        var outage = new DependencyOutage(DependencyNames.SaltApi("master2"), Now.AddSeconds(-95), "connection refused", "launches wait");

        Find(masters: [Master(), Master("master2", "down", Now.AddSeconds(-95))], outages: [outage]).Should().ContainSingle()
            .Which.Should().Be("master master2: salt-api not answering for 1m35s (connection refused)");
    }

    [Fact]
    public void Find_EventStreamDownPastTheGrace_MasterDown()
    {
        Find(masters: [Master(stream: "down", streamDownSince: Now - StatusProblems.StreamGrace)]).Should().ContainSingle()
            .Which.Should().Be("master local: event stream down for 30s; waits poll salt-api meanwhile");
    }

    [Fact]
    public void Find_EventStreamReconnectingWithinTheGrace_None()
    {
        Find(masters: [Master(stream: "connected", streamDownSince: Now.AddSeconds(-5))]).Should().BeEmpty("a token renewal or a blip reconnects at once");
    }

    [Fact]
    public void Find_KeyWorkOwedLongerThan30Minutes_NamesTheMaster()
    {
        Find(masters: [Master(owedSince: Now.AddMinutes(-31))]).Should().ContainSingle()
            .Which.Should().Be("master local is owed 1 key accept(s) and 0 delete(s) for 31m00s");
    }

    [Fact]
    public void Find_KeyWorkOwedLessThan30Minutes_None()
    {
        Find(masters: [Master(owedSince: Now.AddMinutes(-29))]).Should().BeEmpty();
    }

    [Fact]
    public void Find_OtherDependencyNotAnswering_SaysWhatTheDaemonDoesMeanwhile()
    {
        var outage = new DependencyOutage(DependencyNames.Sqs, Now.AddSeconds(-12), "name resolution failed", "polling again with backoff");

        Find(outages: [outage]).Should().ContainSingle()
            .Which.Should().Be("sqs not answering for 12s (name resolution failed); polling again with backoff");
    }

    [Fact]
    public void Find_MessagesInTheDeadLetterQueue_Counted()
    {
        Find(queue: new QueueDepths(new QueueDepth(0, 0, 0), new QueueDepth(2, 0, 0), Now)).Should().ContainSingle()
            .Which.Should().StartWith("2 message(s) in the dead-letter queue");
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59.9, "59s")]
    [InlineData(65, "1m05s")]
    [InlineData(7830, "2h10m")]
    [InlineData(273600, "3d4h")]
    public void Duration_ForAPerson_Short(double seconds, string expected)
    {
        StatusProblems.Duration(seconds).Should().Be(expected);
    }
}
