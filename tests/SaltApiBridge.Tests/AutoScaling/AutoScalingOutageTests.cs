using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>Auto Scaling that does not answer: one warning for the outage, no stack trace, each retry counted.</summary>
public sealed class AutoScalingOutageTests
{
    private static readonly LifecycleActionIdentity Action = new("my-asg", "my-lifecycle-hook", "87654321-4321-4321-4321-210987654321", "i-1234567890abcdef0");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static QueryApiHarness Unreachable() =>
        new(new StaticCredentialsSource(new ImmutableCredentials("AKIDTEST", "secret-key-for-tests", null)),
            new FakeTimeProvider(new DateTimeOffset(2024, 3, 15, 10, 15, 30, TimeSpan.Zero)),
            serviceUrl: $"http://127.0.0.1:{LoopbackPort.Free()}");

    [Fact]
    public async Task CompleteAsync_AwsUnreachableTwice_OneWarningInWordsWithoutStackTrace()
    {
        await using var harness = Unreachable();

        for (var i = 0; i < 2; i++)
        {
            var act = () => harness.Client.CompleteAsync(Action, LifecycleActionResult.Continue, Ct);
            await act.Should().ThrowAsync<AutoScalingException>();
        }

        var warning = harness.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Should().ContainSingle().Subject;
        warning.Message.Should().StartWith("autoscaling is not answering: Auto Scaling CompleteLifecycleAction").And.Contain("could not reach AWS").And.Contain("; meanwhile heartbeats are tried again");
        warning.Exception.Should().BeNull();
    }

    [Fact]
    public async Task CompleteAsync_AwsUnreachable_EachRetryCountedAsAConnectionError()
    {
        await using var harness = Unreachable();

        var act = () => harness.Client.CompleteAsync(Action, LifecycleActionResult.Continue, Ct);
        await act.Should().ThrowAsync<AutoScalingException>();

        harness.Metrics.Sum("retries{dependency=autoscaling,outcome=connection_error}").Should().Be(3, "MaxRetryAttempts is 3");
    }
}
