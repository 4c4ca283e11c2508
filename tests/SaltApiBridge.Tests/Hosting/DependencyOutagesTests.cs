using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Hosting;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Hosting;

public sealed class DependencyOutagesTests : IDisposable
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturedLogs logs = new();

    public void Dispose() => logs.Dispose();

    private DependencyOutages Create() =>
        new(time, LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)).CreateLogger<DependencyOutages>());

    private IEnumerable<string> AtLeast(LogLevel level) =>
        logs.Lines.Where(l => Enum.Parse<LogLevel>(l[..l.IndexOf(' ', StringComparison.Ordinal)]) >= level);

    [Fact]
    public void Failed_ManyTimesInOneOutage_OneWarning()
    {
        var outages = Create();

        for (var i = 0; i < 5; i++)
            outages.Failed("sqs", "connection refused", "polling again with backoff");

        AtLeast(LogLevel.Warning).Should().ContainSingle()
            .Which.Should().Contain("sqs is not answering: connection refused; meanwhile polling again with backoff");
    }

    [Fact]
    public void Answered_AfterAnOutage_OneLineWithItsDuration()
    {
        var outages = Create();
        outages.Failed("salt-api local", "connection refused", "launches wait");
        time.Advance(TimeSpan.FromSeconds(20));

        outages.Answered("salt-api local");
        outages.Answered("salt-api local");

        AtLeast(LogLevel.Information).Where(l => l.Contains("answering again", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("after 00:00:20");
        outages.IsDown("salt-api local").Should().BeFalse();
    }

    [Fact]
    public void Answered_WithoutAnOutage_LogsNothing()
    {
        var outages = Create();

        outages.Answered("sqs");

        logs.Lines.Should().BeEmpty();
    }

    [Fact]
    public void Current_TwoDependenciesDown_OldestFirstWithTheFirstError()
    {
        var outages = Create();
        outages.Failed("autoscaling", "throttled", "heartbeats try again");
        time.Advance(TimeSpan.FromSeconds(1));
        outages.Failed("sqs", "reset", "polling again");
        outages.Failed("autoscaling", "later error", "heartbeats try again");

        outages.Current.Select(o => (o.Dependency, o.Error)).Should().Equal(("autoscaling", "throttled"), ("sqs", "reset"));
    }
}
