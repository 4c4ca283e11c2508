using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Pipeline;

public sealed class LifecyclePipelineTests
{
    private const string Group = "web";

    private static string Instance(int n) => $"i-{n:x17}";

    private static string Launching(int n, string? token = null) =>
        SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, Instance(n), "provision", token ?? $"00000000-0000-4000-8000-{n:x12}");

    private static string Terminating(int n) =>
        SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_TERMINATING", Group, Instance(n), "clean-up", $"11111111-0000-4000-8000-{n:x12}");

    private static string Minion(int n) => $"{Group}-{Instance(n)}";

    [Fact]
    public async Task RunAsync_Launch_AcceptsHighstatesCompletesAndDeletes()
    {
        await using var harness = new PipelineHarness();
        var id = harness.Queue.Send(Launching(1));
        harness.Start();

        await harness.WaitForSettledAsync(1);
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"sqs-delete {id}"));

        harness.Log.All.Where(c => !c.StartsWith("heartbeat", StringComparison.Ordinal)).Should().Equal(
            $"event saltapibridge/launching {Minion(1)}",
            $"accept {Minion(1)}",
            $"event saltapibridge/key_accepted {Minion(1)}",
            $"ping {Minion(1)}",
            $"highstate {Minion(1)}",
            $"highstate-done {Minion(1)}",
            $"event saltapibridge/provisioned {Minion(1)}",
            $"complete {Instance(1)} Continue 00000000-0000-4000-8000-000000000001",
            $"sqs-delete {id}");
        harness.Queue.Count.Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_MessageParsed_KeptWithoutItsBody()
    {
        await using var harness = new PipelineHarness();
        var id = harness.Queue.Send(Launching(1));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        var settled = harness.Settled.Should().ContainSingle().Which;
        settled.Message.MessageId.Should().Be(id);
        settled.Message.Body.Should().BeEmpty("the body is read once, by the parser; a launch holds its message for minutes");
        settled.Plan!.Event.InstanceId.Should().Be(Instance(1));
    }

    [Fact]
    public async Task RunAsync_FailedHighstate_AbandonsWithoutASecondRun()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.Highstate = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Failed, "1", [new FailedState("pkg_|-nginx_|-nginx_|-installed", "No package nginx")], null));
        harness.Queue.Send(Launching(1));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("highstate ").Should().ContainSingle("a state run happens at most once per lifecycle action");
        harness.Salt.StartedRuns.Should().ContainSingle();
        harness.Log.Matching("complete").Should().Equal($"complete {Instance(1)} Abandon 00000000-0000-4000-8000-000000000001");
        harness.Log.Matching("provision_failed").Should().ContainSingle();
        harness.Settled.Single().Outcome.Summary.Should().Contain("No package nginx");
    }

    [Fact]
    public async Task RunAsync_FailedHighstateWithLeaveForRedrive_DoesNotCompleteOrDelete()
    {
        await using var harness = new PipelineHarness(o => o.FailurePolicy = FailurePolicy.LeaveForRedrive);
        harness.Salt.Highstate = (_, _) => Task.FromResult(new StateRunResult(StateRunStatus.Failed, "1", [], "boom"));
        var id = harness.Queue.Send(Launching(1));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("complete").Should().BeEmpty();
        harness.Log.Matching("sqs-delete").Should().BeEmpty();
        harness.Settled.First().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
        harness.Log.All.Should().Contain($"sqs-visibility {id} 0", "the first backoff is 200 ms");
    }

    [Fact]
    public async Task RunAsync_LaunchThenTerminateOfOneInstance_KeepOrder()
    {
        await using var harness = new PipelineHarness();
        var release = new TaskCompletionSource();
        harness.Salt.Highstate = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        harness.Queue.Send(Launching(1));
        harness.Start();
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion(1)}"));

        harness.Queue.Send(Terminating(1));
        // The terminate is received while the launch still runs, and must wait for it.
        await Task.Delay(300, TestContext.Current.CancellationToken);
        harness.Log.Matching("sls").Should().BeEmpty();
        release.SetResult();
        await harness.WaitForSettledAsync(2);

        var order = harness.Log.All.Where(c => c.StartsWith("highstate-done", StringComparison.Ordinal) || c.StartsWith("sls", StringComparison.Ordinal) || c.StartsWith("complete", StringComparison.Ordinal)).ToList();
        order.Should().Equal(
            $"highstate-done {Minion(1)}",
            $"complete {Instance(1)} Continue 00000000-0000-4000-8000-000000000001",
            $"sls clean {Minion(1)}",
            $"complete {Instance(1)} Continue 11111111-0000-4000-8000-000000000001");
    }

    [Fact]
    public async Task RunAsync_DuplicateDeliverySameToken_RunsOneHighstate()
    {
        await using var harness = new PipelineHarness();
        var release = new TaskCompletionSource();
        harness.Salt.Highstate = async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        harness.Queue.Send(Launching(1));
        harness.Queue.Send(SampleMessages.InSnsEnvelope(Launching(1), "arn:aws:sns:eu-west-1:123456789012:t", "sns-copy"));
        harness.Start();
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion(1)}"));
        release.SetResult();

        await harness.WaitForSettledAsync(2);

        harness.Log.Matching("highstate ").Should().ContainSingle();
        harness.Log.Matching("complete").Should().ContainSingle();
        harness.Log.Matching("sqs-delete").Should().HaveCount(2, "the duplicate leaves the queue too");
        harness.Settled.Select(s => s.Outcome.Result).Should().Contain("duplicate");
    }

    [Fact]
    public async Task RunAsync_SaltApiDownThenBack_DeletesNothingUntilItReturns()
    {
        await using var harness = new PipelineHarness();
        var down = true;
        harness.Salt.Accept = (_, _) => down
            ? Task.FromException<KeyAcceptOutcome>(new SaltApiException("salt-api at http://127.0.0.1:8000 is unreachable: connection refused", isTransient: true))
            : Task.FromResult(KeyAcceptOutcome.Accepted);
        var id = harness.Queue.Send(Launching(1));
        harness.Start();

        await harness.WaitForSettledAsync(2);
        harness.Log.Matching("sqs-delete").Should().BeEmpty();
        harness.Log.Matching("complete").Should().BeEmpty();
        harness.Settled.Should().OnlyContain(s => s.Outcome.Disposition == MessageDisposition.RetryLater);

        down = false;
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"sqs-delete {id}"));
        harness.Log.Matching("complete").Should().ContainSingle();
    }

    [Fact]
    public async Task RunAsync_Terminated_DeletesKey()
    {
        await using var harness = new PipelineHarness();
        harness.Queue.Send(SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, Instance(3)));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.All.Where(c => c.StartsWith("delete ", StringComparison.Ordinal)).Should().Equal($"delete {Minion(3)}");
        harness.Log.Matching("event saltapibridge/key_deleted").Should().ContainSingle();
    }

    [Fact]
    public async Task RunAsync_CleanFails_StillCompletesContinue()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.Clean = (_, _) => Task.FromException<StateRunResult>(new SaltApiException("salt-api is unreachable", isTransient: true));
        harness.Queue.Send(Terminating(2));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("complete").Should().Equal($"complete {Instance(2)} Continue 11111111-0000-4000-8000-000000000002");
        harness.Log.Matching("clean_failed").Should().ContainSingle();
        harness.Settled.Single().Outcome.Disposition.Should().Be(MessageDisposition.Delete);
    }

    [Fact]
    public async Task RunAsync_ActionAlreadyGone_DeletesMessage()
    {
        await using var harness = new PipelineHarness();
        harness.Actions.Complete = _ => Task.FromResult(LifecycleActionOutcome.ActionGone);
        var id = harness.Queue.Send(Launching(4));
        harness.Start();

        // Settlement is reported after the delete: wait for both.
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"sqs-delete {id}"));
        await harness.WaitForSettledAsync(1);

        harness.Settled.Single().Outcome.Result.Should().Be("action gone");
    }

    [Fact]
    public async Task RunAsync_AutoScalingTransientFailure_LeavesMessage()
    {
        await using var harness = new PipelineHarness();
        harness.Actions.Complete = _ => Task.FromException<LifecycleActionOutcome>(new AutoScalingException("Rate exceeded", isTransient: true, "Throttling"));
        harness.Queue.Send(Launching(5));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        harness.Log.Matching("sqs-delete").Should().BeEmpty();
        harness.Settled.First().Outcome.Disposition.Should().Be(MessageDisposition.RetryLater);
    }

    [Fact]
    public async Task RunAsync_WorkFailsUnexpectedly_RetryLogNamesTheMessage()
    {
        // The retry line is the reason an operator finds for a message that later lands in the dead-letter queue.
        var logs = new CapturedLogs();
        await using var harness = new PipelineHarness(logs: logs);
        harness.Actions.Complete = _ => Task.FromException<LifecycleActionOutcome>(new InvalidOperationException("a bug"));
        var id = harness.Queue.Send(Launching(6));
        harness.Start();

        await harness.WaitForSettledAsync(1);

        logs.Lines.Should().Contain(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("will be retried", StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"Event\":\"autoscaling:TEST_NOTIFICATION\",\"AutoScalingGroupName\":\"web\"}")]
    [InlineData("{\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_LAUNCHING\",\"AutoScalingGroupName\":\"web-*\",\"EC2InstanceId\":\"i-12345678\",\"LifecycleHookName\":\"h\"}")]
    public async Task RunAsync_UnparseableTestOrInvalid_DeletesWithoutCallingSalt(string body)
    {
        await using var harness = new PipelineHarness();
        var id = harness.Queue.Send(body);
        harness.Start();

        await harness.Log.WaitUntilAsync(calls => calls.Contains($"sqs-delete {id}"));

        harness.Log.All.Should().Equal($"sqs-delete {id}");
    }

    [Fact]
    public async Task RunAsync_ManyInstances_RunConcurrentlyWithinTheLimit()
    {
        await using var harness = new PipelineHarness(o => o.MaxInFlight = 8);
        var running = 0;
        var peak = 0;
        harness.Salt.Highstate = async (_, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(100, ct);
            Interlocked.Decrement(ref running);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        for (var i = 1; i <= 40; i++)
            harness.Queue.Send(Launching(i));
        harness.Start();

        await harness.WaitForSettledAsync(40);

        peak.Should().BeInRange(2, 8);
        harness.Log.Matching("highstate ").Should().HaveCount(40).And.OnlyHaveUniqueItems();
        harness.Pipeline.InFlight.Should().Be(0);
    }

    [Fact]
    public async Task StopAsync_DuringHighstate_ReleasesMessageWithinDrainTimeout()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.Highstate = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        var id = harness.Queue.Send(Launching(6));
        harness.Start();
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion(6)}"));

        var stopping = harness.StopAsync(TimeSpan.FromMilliseconds(200));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        harness.Log.All.Should().Contain($"sqs-visibility {id} 0");
        harness.Log.Matching("complete").Should().BeEmpty();
        harness.Log.Matching("sqs-delete").Should().BeEmpty();
        harness.Queue.Count.Should().Be(1);
    }

    [Fact]
    public async Task StopAsync_WorkFinishingWithinDrain_CompletesAndDeletes()
    {
        await using var harness = new PipelineHarness();
        harness.Salt.Highstate = async (_, ct) =>
        {
            await Task.Delay(300, ct);
            return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
        };
        var id = harness.Queue.Send(Launching(7));
        harness.Start();
        await harness.Log.WaitUntilAsync(calls => calls.Contains($"highstate {Minion(7)}"));

        await harness.StopAsync(TimeSpan.FromSeconds(10));

        harness.Log.All.Should().Contain($"sqs-delete {id}");
    }

    [Fact]
    public async Task RunAsync_TwoPipelinesSharingALockDirectory_NeverWorkOnOneInstanceAtOnce()
    {
        var directory = Directory.CreateTempSubdirectory("saltapibridge-locks-");
        try
        {
            var log = new CallLog();
            var queue = new InMemoryQueue(log, TimeSpan.FromSeconds(30));
            await using var first = new PipelineHarness(log: log, queue: queue, leases: new FileLeases(directory.FullName));
            await using var second = new PipelineHarness(log: log, queue: queue, leases: new FileLeases(directory.FullName));
            var active = new Dictionary<string, int>();
            var overlap = false;
            async Task<StateRunResult> Run(string minion, CancellationToken ct)
            {
                lock (active)
                {
                    active[minion] = active.GetValueOrDefault(minion) + 1;
                    overlap |= active[minion] > 1;
                }

                await Task.Delay(50, ct);
                lock (active)
                    active[minion]--;
                return new StateRunResult(StateRunStatus.Succeeded, null, [], null);
            }

            first.Salt.Highstate = Run;
            second.Salt.Highstate = Run;
            first.Salt.Clean = Run;
            second.Salt.Clean = Run;
            for (var i = 1; i <= 10; i++)
            {
                queue.Send(Launching(i));
                queue.Send(Terminating(i));
            }

            first.Start();
            second.Start();
            await log.WaitUntilAsync(calls => calls.Count(c => c.StartsWith("sqs-delete", StringComparison.Ordinal)) == 20, TimeSpan.FromSeconds(60));

            overlap.Should().BeFalse();
            log.Matching("complete").Should().HaveCount(20);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
