using SaltApiBridge.Cli;
using SaltApiBridge.Tests.Pipeline;

namespace SaltApiBridge.Tests.Telemetry;

/// <summary>Every line of one action's work carries its instance, minion and message ids, whichever class logs it.</summary>
public sealed class WorkScopeTests
{
    private const string Instance = "i-00000000000000031";
    private const string Minion = "web-" + Instance;

    [Fact]
    public async Task RunAsync_Launch_EveryLineOfTheWorkCarriesInstanceMinionAndMessage()
    {
        var logs = new ScopedLogs();
        await using var harness = new PipelineHarness(logs: logs);
        var id = harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", "web", Instance, "provision", "00000000-0000-4000-8000-000000000031"));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        var work = logs.Lines.Where(l => l.Message.Contains(Instance, StringComparison.Ordinal) || l.Message.Contains(Minion, StringComparison.Ordinal)).ToList();
        work.Select(l => l.Category).Distinct().Should().Contain(
            ["SaltApiBridge.Pipeline.InstanceTurns", "SaltApiBridge.Provisioning.LaunchWork", "SaltApiBridge.Provisioning.ActionCompletion", "SaltApiBridge.Pipeline.LifecyclePipeline"]);
        work.Should().OnlyContain(l =>
            Equals(l.Scope.GetValueOrDefault("InstanceId"), Instance)
            && Equals(l.Scope.GetValueOrDefault("MinionId"), Minion)
            && Equals(l.Scope.GetValueOrDefault("MessageId"), id));
    }
}
