using SaltApiBridge.Cli;
using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>The coordination store down in the middle of a launch: a step that must be recorded first is not taken.</summary>
public sealed class StoreDownTests
{
    private const string Group = "web";
    private const string Token = "00000000-0000-4000-8000-000000000023";
    private static readonly string Instance = $"i-{23:x17}";
    private static readonly string Minion = $"{Group}-{Instance}";

    [Fact]
    public async Task RunAsync_StoreDownWhenTheJidIsToBeRecorded_PublishesNoHighstateAndRetries()
    {
        var records = new FailingRecords { FailSave = r => r.HighstateJid is not null };
        await using var harness = new PipelineHarness(records: records);
        harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", Token));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Settled.Single().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        harness.Settled.Single().Outcome.Summary.Should().Contain("coordination store");
        harness.Salt.PublishedJids.Should().BeEmpty("a jid that could not be recorded is never published");
        harness.Log.Matching("complete").Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_StoreBackForTheRedelivery_RunsTheHighstateOnceAndContinues()
    {
        var records = new FailingRecords();
        var failed = 0;
        records.FailSave = r => r.HighstateJid is not null && Interlocked.Increment(ref failed) == 1;
        await using var harness = new PipelineHarness(records: records);
        harness.Queue.Send(SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", Token));
        harness.Start();

        await harness.WaitForSettledAsync(2);

        harness.Settled.Select(s => s.Outcome.Disposition).Should().Equal(MessageDisposition.RetryLater, MessageDisposition.Delete);
        harness.Salt.StartedRuns.Should().ContainSingle();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }
}
