using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>The launch path's gate and its resume after a redelivery, through the real pipeline and handler over fakes.</summary>
public sealed class ResumeAndGateTests
{
    private const string Group = "web";
    private const string Token = "00000000-0000-4000-8000-000000000001";
    private const string Jid = "20261125110000000001";
    private static readonly string Instance = $"i-{1:x17}";
    private static readonly string Minion = $"{Group}-{Instance}";

    private static string Launch(string token = Token) =>
        SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance, "provision", token);

    private static ProvisioningRecord EarlierRecord(string? jid) =>
        new(Minion, Instance, Group, ProvisioningRecord.KeyOf(Token), DateTimeOffset.UtcNow.AddMinutes(-5), jid, DateTimeOffset.UtcNow.AddMinutes(-4));

    [Fact]
    public async Task RunAsync_RedeliveredWhileItsHighstateRuns_WaitsForThatJobWithoutPublishingAnother()
    {
        await using var harness = new PipelineHarness();
        await harness.Records.SaveAsync(EarlierRecord(Jid), TestContext.Current.CancellationToken);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        var job = new TaskCompletionSource<StateRunResult>();
        harness.Salt.AddJob(Jid, job.Task);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.Log.WaitUntilAsync(calls => calls.Contains($"heartbeat {Instance}"));
        job.SetResult(new StateRunResult(StateRunStatus.Succeeded, Jid, [], null));
        await harness.WaitForSettledAsync(1);

        harness.Log.All.Where(c => !c.StartsWith("heartbeat", StringComparison.Ordinal) && !c.StartsWith("sqs-", StringComparison.Ordinal)).Should().Equal(
            $"highstate-done {Minion}",
            $"event saltapibridge/provisioned {Minion}",
            $"complete {Instance} Continue {Token}");
        harness.Log.All[0].Should().Be($"heartbeat {Instance}", "a resumed action gets a heartbeat before anything else");
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.ProvisionedJid.Should().Be(Jid);
    }

    [Fact]
    public async Task RunAsync_RedeliveredButTheMasterForgotTheJob_PublishesANewHighstate()
    {
        await using var harness = new PipelineHarness();
        await harness.Records.SaveAsync(EarlierRecord("20261125110000009999"), TestContext.Current.CancellationToken);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("highstate ").Should().ContainSingle();
        harness.Log.Matching("accept").Should().BeEmpty("the key was accepted before the restart");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_RecordOfAnotherAction_StartsAfresh()
    {
        await using var harness = new PipelineHarness();
        await harness.Records.SaveAsync(EarlierRecord(Jid) with { ActionKey = ProvisioningRecord.KeyOf("an-older-action") }, TestContext.Current.CancellationToken);
        harness.Salt.AddJob(Jid, new TaskCompletionSource<StateRunResult>().Task);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().Contain([$"event saltapibridge/launching {Minion}", $"accept {Minion}", $"highstate {Minion}"]);
        var record = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        record!.IsFor(Token).Should().BeTrue();
        record.HighstateJid.Should().NotBe(Jid);
    }

    [Fact]
    public async Task RunAsync_FreshLaunch_RecordsTheJidBeforeWaitingAndNeverStoresTheToken()
    {
        await using var harness = new PipelineHarness();
        var release = new TaskCompletionSource();
        harness.Salt.Highstate = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        harness.Queue.Send(Launch());
        harness.Start();
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion}"));

        var running = await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken);
        release.SetResult();
        await harness.WaitForSettledAsync(1);

        running!.HighstateJid.Should().NotBeNull("a restart must be able to find the job");
        running.ProvisionedAt.Should().BeNull();
        running.ActionKey.Should().NotBe(Token).And.HaveLength(64);
        (await harness.Records.GetAsync(Minion, TestContext.Current.CancellationToken))!.ProvisionedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task RunAsync_InstanceNotWaitingInTheGroup_NeitherAcceptsNorCompletes()
    {
        await using var harness = new PipelineHarness();
        harness.Inventory.Set(Instance, "another-group");
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("accept").Should().BeEmpty();
        harness.Log.Matching("highstate").Should().BeEmpty();
        harness.Log.Matching("complete").Should().BeEmpty();
        harness.Log.All.Should().Contain($"event saltapibridge/refused {Minion}");
        harness.Settled.Single().Outcome.Should().Match<WorkOutcome>(o => o.Disposition == MessageDisposition.Delete && o.Result == "refused");
        harness.Inventory.Calls.Should().Contain($"instances {Instance}");
    }

    [Fact]
    public async Task RunAsync_RedeliveredAfterTheActionWasCompleted_EndsQuietlyWithoutARefusal()
    {
        await using var harness = new PipelineHarness();
        await harness.Records.SaveAsync(EarlierRecord(Jid) with { ProvisionedAt = DateTimeOffset.UtcNow }, TestContext.Current.CancellationToken);
        harness.Salt.SetKey(Minion, MinionKeyState.Accepted);
        harness.Inventory.Set(Instance, Group, AutoScalingInstance.InService);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().NotContain(c => c.StartsWith("event", StringComparison.Ordinal) || c.StartsWith("accept", StringComparison.Ordinal)
            || c.StartsWith("highstate", StringComparison.Ordinal) || c.StartsWith("complete", StringComparison.Ordinal));
        harness.Settled.Single().Outcome.Should().Match<WorkOutcome>(o => o.Disposition == MessageDisposition.Delete && o.Result == "action gone");
    }

    [Fact]
    public async Task RunAsync_WarmPoolLaunch_ExpectsWarmedPendingWait()
    {
        await using var harness = new PipelineHarness();
        harness.Inventory.Set(Instance, Group, AutoScalingInstance.WarmedPendingWait);
        var body = Launch().Replace("\"Destination\":\"AutoScalingGroup\"", "\"Destination\":\"WarmPool\"", StringComparison.Ordinal);
        body.Should().Contain("WarmPool");
        harness.Queue.Send(body);
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().Contain($"accept {Minion}");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }

    [Fact]
    public async Task RunAsync_DeniedKeyWithAcceptDeniedKeys_AcceptsFromDenied()
    {
        var bridge = new BridgeOptions { AcceptDeniedKeys = true };
        await using var harness = new PipelineHarness(bridge: bridge);
        harness.Salt.SetKey(Minion, MinionKeyState.Denied);
        harness.Queue.Send(Launch());
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Should().Contain($"accept {Minion} from Denied");
        harness.Log.Matching("complete").Should().Equal($"complete {Instance} Continue {Token}");
    }
}
