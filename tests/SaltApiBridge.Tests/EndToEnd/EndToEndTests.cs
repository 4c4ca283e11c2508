using System.Diagnostics;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.AutoScaling;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// The daemon as users run it, end to end: fauxqs (SQS and SNS) on loopback, the simulated salt-api built from the
/// captured transcripts, the simulated Auto Scaling Query API. Each test owns its queue and servers.
/// </summary>
public sealed class EndToEndTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Hook = "provision";
    private const string Launching = "autoscaling:EC2_INSTANCE_LAUNCHING";
    private const string Terminating = "autoscaling:EC2_INSTANCE_TERMINATING";

    private static readonly string[] LaunchCalls =
    [
        "hook " + BridgeEventTags.Launching,
        "wheel key.name_match",
        "wheel key.accept_dict",
        "hook " + BridgeEventTags.KeyAccepted,
        // No test.ping: the minion's start event on the stream says it is back.
        "local_async state.highstate",
        "hook " + BridgeEventTags.Provisioned,
    ];

    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();
    private readonly string queueName = "e2e-" + Guid.NewGuid().ToString("N");
    private string queueUrl = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => queueUrl = await fauxqs.CreateQueueAsync(queueName);

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("sns")]
    [InlineData("eventbridge")]
    public async Task Run_LaunchHook_AcceptsKeyRunsHighstateCompletesContinueAndDeletesMessage(string delivery)
    {
        var instance = InstanceId(1);
        var minion = $"{Group}-{instance}";
        await using var daemon = await StartDaemonAsync();

        var hook = LaunchHook(instance, "token-1");
        switch (delivery)
        {
            case "direct":
                await SendAsync(hook);
                break;
            case "sns":
                // The emulator wraps the message in the real SNS envelope (Message is a JSON string).
                var topic = await fauxqs.CreateTopicAsync("topic-" + queueName);
                await fauxqs.SubscribeQueueAsync(topic, queueName);
                await fauxqs.PublishAsync(topic, hook, "Auto Scaling: Lifecycle action");
                break;
            default:
                await SendAsync(SampleMessages.EventBridge("EC2 Instance-launch Lifecycle Action", Launching, Group, instance, Hook, "token-1"));
                break;
        }

        await UntilQueueEmptyAsync();

        salt.CallsFor(minion).Should().Equal(LaunchCalls);
        salt.KeyOf(minion).Should().Be("minions");
        // The hook (heartbeat interval) and the accept gate's look at the instance come before the completion.
        autoScaling.Calls.Select(c => (c.Action, c.InstanceId)).Should().Equal(
            ("DescribeLifecycleHooks", null), ("DescribeAutoScalingInstances", instance), ("CompleteLifecycleAction", null));
        autoScaling.Calls.Should().OnlyContain(c => c.Signed);
        // The token identifies the action; AWS wants it or the instance id, and the bridge sends the token.
        autoScaling.LifecycleCalls.Should().ContainSingle().Which.Should().Be(
            new AutoScalingCall("CompleteLifecycleAction", Group, Hook, null, "token-1", "CONTINUE", Signed: true, ActionToken: "token-1"));
        autoScaling.StateOf(instance).Should().Be("InService");
        salt.Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_HighstateFails_CompletesAbandonAndFiresProvisionFailed()
    {
        var instance = InstanceId(2);
        var minion = $"{Group}-{instance}";
        salt.FailingMinions[minion] = true;
        await using var daemon = await StartDaemonAsync();

        await SendAsync(LaunchHook(instance, "token-2"));
        await UntilQueueEmptyAsync();

        // A failed highstate is a verdict: never run a second time for the same action.
        salt.CallsFor(minion).Should().Equal([.. LaunchCalls[..^1], "hook " + BridgeEventTags.ProvisionFailed]);
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("ABANDON");
    }

    [Fact]
    public async Task Run_TerminatingHook_AppliesCleanThenCompletesContinue()
    {
        var instance = InstanceId(3);
        var minion = $"{Group}-{instance}";
        salt.SetKey(minion, "minions");
        await using var daemon = await StartDaemonAsync();

        await SendAsync(SampleMessages.LifecycleHook(Terminating, Group, instance, "clean-up", "token-3"));
        await UntilQueueEmptyAsync();

        salt.CallsFor(minion).Should().Equal(
            "hook " + BridgeEventTags.Terminating,
            "local_async state.sls clean",
            "hook " + BridgeEventTags.Cleaned);
        autoScaling.LifecycleCalls.Should().ContainSingle().Which.Should().Be(
            new AutoScalingCall("CompleteLifecycleAction", Group, "clean-up", null, "token-3", "CONTINUE", Signed: true, ActionToken: "token-3"));
        salt.KeyOf(minion).Should().Be("minions", "the key goes only when the instance is gone (EC2_INSTANCE_TERMINATE)");
    }

    [Fact]
    public async Task Run_TerminateNotification_DeletesKeyWithoutAutoScalingCall()
    {
        var instance = InstanceId(4);
        var minion = $"{Group}-{instance}";
        salt.SetKey(minion, "minions");
        await using var daemon = await StartDaemonAsync();

        await SendAsync(SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, instance));
        await UntilQueueEmptyAsync();

        salt.CallsFor(minion).Should().Equal("wheel key.delete_dict", "hook " + BridgeEventTags.KeyDeleted);
        salt.KeyOf(minion).Should().BeNull();
        autoScaling.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_StormOf200LaunchesOf2Seconds_FinishesFarBelowSerialTimeEachOnceInOrder()
    {
        const int instances = 200;
        var highstate = TimeSpan.FromSeconds(2);
        salt.JobDuration = _ => highstate;
        var orderedInstance = InstanceId(instances);
        await using var daemon = await StartDaemonAsync(new() { ["Pipeline:MaxInFlight"] = "64", ["Queue:Pollers"] = "4" });

        var clock = Stopwatch.StartNew();
        var bodies = Enumerable.Range(0, instances)
            .Select(i => LaunchHook(InstanceId(i), $"storm-{i}"))
            .ToList()
            .Append(SampleMessages.LifecycleHook(Terminating, Group, orderedInstance, "clean-up", "storm-terminate"))
            .Prepend(LaunchHook(orderedInstance, $"storm-{instances}"));
        foreach (var batch in bodies.Chunk(10))
        {
            await sqs.SendMessageBatchAsync(
                queueUrl, [.. batch.Select((body, i) => new SendMessageBatchRequestEntry("m" + i, body))], Ct);
        }

        await UntilQueueEmptyAsync(TimeSpan.FromSeconds(120));
        var makespan = clock.Elapsed;

        // 201 highstates of 2 s one after another would take 402 s; 64 at a time need about 4 rounds.
        makespan.Should().BeLessThan(TimeSpan.FromSeconds(60), "a storm must not be processed one at a time");
        TestContext.Current.SendDiagnosticMessage($"storm: {instances + 1} launches of {highstate.TotalSeconds} s, makespan {makespan.TotalSeconds:F1} s");
        var completions = autoScaling.Completions;
        completions.Should().HaveCount(instances + 2);
        completions.Select(c => c.Token).Should().OnlyHaveUniqueItems();
        completions.Should().OnlyContain(c => c.Result == "CONTINUE");
        salt.Calls.Count(c => c.What == "local_async state.highstate").Should().Be(instances + 1);
        salt.Violations.Should().BeEmpty();
        autoScaling.Calls.Count(c => c.Action == "DescribeLifecycleHooks").Should().BeLessThan(10, "hooks are cached per group");
        salt.CallsFor($"{Group}-{orderedInstance}").Should().Equal(
            [.. LaunchCalls, "hook " + BridgeEventTags.Terminating, "local_async state.sls clean", "hook " + BridgeEventTags.Cleaned]);
    }

    [Fact]
    public async Task Run_LaunchTerminateTerminatedAtDefaultLevels_LogsAFewLinesPerStepEachNamingInstanceAndMinion()
    {
        var instance = InstanceId(9);
        var minion = $"{Group}-{instance}";
        await using var daemon = await StartDaemonAsync(BridgeDaemon.DefaultLogLevels);

        await SendAsync(LaunchHook(instance, "token-9"));
        await UntilQueueEmptyAsync();
        await SendAsync(SampleMessages.LifecycleHook(Terminating, Group, instance, "clean-up", "token-9t"));
        await UntilQueueEmptyAsync();
        await SendAsync(SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, instance));
        await UntilQueueEmptyAsync();
        await Eventually.UntilAsync(() => Task.FromResult(salt.KeyOf(minion) is null), TimeSpan.FromSeconds(10), () => "the key was never deleted");

        var lines = daemon.Logs.Lines;
        TestContext.Current.SendDiagnosticMessage($"{lines.Count} lines:\n" + string.Join("\n", lines));
        lines.Should().HaveCountLessThanOrEqualTo(60, "one launch, terminate and key deletion fit in a screen");
        lines.Should().NotContain(l => l.Contains("System.Net.Http.HttpClient", StringComparison.Ordinal) || l.StartsWith("Information Polly", StringComparison.Ordinal));
        // The per-instance lines name the instance and the minion.
        lines.Where(l => l.Contains("SaltApiBridge.Pipeline", StringComparison.Ordinal) && l.Contains(instance, StringComparison.Ordinal))
            .Should().NotBeEmpty().And.OnlyContain(l => l.Contains(minion, StringComparison.Ordinal));
    }

    /// <summary>
    /// Provisioning, clean-up and key deletion whatever the event stream does: up (no job polls, no ping), refused
    /// (salt-api answers 401 to /events: today's polling), dropped every 300 ms, flooded with other users' multi-KB
    /// returns, or stalled (open, silent: the probe finds it out). Never a lost or doubled state run.
    /// </summary>
    [Theory]
    [InlineData("up")]
    [InlineData("refused")]
    [InlineData("flapping")]
    [InlineData("flooded")]
    [InlineData("stalled")]
    public async Task Run_LaunchTerminateDelete_EveryStreamCondition_OneRunPerActionNothingLost(string stream)
    {
        const int count = 4;
        salt.JobDuration = _ => TimeSpan.FromMilliseconds(600);
        using var flapping = new CancellationTokenSource();
        switch (stream)
        {
            case "refused":
                salt.RefuseEventStreams = true;
                break;
            case "flooded":
                salt.Flood(400, returnBytes: 64 * 1024);
                break;
        }

        await using var daemon = await StartDaemonAsync(new()
        {
            ["SaltApi:EventStream:ProbeInterval"] = "00:00:00.500",
            ["SaltApi:EventStream:ProbeTimeout"] = "00:00:00.500",
            ["SaltApi:EventStream:ReconnectDelay"] = "00:00:00.100",
            ["SaltApi:EventStream:ReconnectMaxDelay"] = "00:00:00.500",
        });
        if (stream == "stalled")
            salt.StallEventStreams = true;
        var flaps = stream == "flapping" ? FlapAsync(flapping.Token) : Task.CompletedTask;

        var instances = Enumerable.Range(70, count).Select(InstanceId).ToList();
        foreach (var instance in instances)
            await SendAsync(LaunchHook(instance, $"launch-{instance}"));
        await UntilQueueEmptyAsync();
        foreach (var instance in instances)
            await SendAsync(SampleMessages.LifecycleHook(Terminating, Group, instance, "clean-up", $"terminate-{instance}"));
        await UntilQueueEmptyAsync();
        foreach (var instance in instances)
            await SendAsync(SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, instance));
        await UntilQueueEmptyAsync();
        await flapping.CancelAsync();
        await flaps;
        salt.Flood(0);

        autoScaling.Completions.Should().HaveCount(2 * count).And.OnlyContain(c => c.Result == "CONTINUE");
        foreach (var minion in instances.Select(i => $"{Group}-{i}"))
        {
            salt.StateRunsStarted(minion).Should().Be(2, $"{minion}: one highstate and one clean-up");
            salt.KeyOf(minion).Should().BeNull();
        }

        salt.Violations.Should().BeEmpty();
        var jobPolls = salt.Calls.Count(c => c.What == "jobs");
        var pings = salt.Calls.Count(c => c.What == "local test.ping");
        TestContext.Current.SendDiagnosticMessage($"stream {stream}: {jobPolls} GET /jobs, {pings} test.ping for {count} launches and {count} clean-ups");
        if (stream is "up" or "flooded")
        {
            jobPolls.Should().Be(0, "every return came as an event");
            pings.Should().Be(0, "every minion's start event came");
        }

        if (stream == "refused")
            jobPolls.Should().BeGreaterThan(0, "without the stream, the daemon polls as before");

        async Task FlapAsync(CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(300, cancellationToken);
                    salt.DropEventStreams();
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    [Fact]
    public async Task Run_SameTokenDeliveredTwice_RunsOneHighstate()
    {
        var instance = InstanceId(5);
        var minion = $"{Group}-{instance}";
        salt.JobDuration = _ => TimeSpan.FromMilliseconds(500);
        await using var daemon = await StartDaemonAsync();

        var hook = LaunchHook(instance, "token-5");
        await SendAsync(hook);
        await SendAsync(hook);
        await UntilQueueEmptyAsync();

        salt.Calls.Count(c => c.MinionId == minion && c.What == "local_async state.highstate").Should().Be(1);
        autoScaling.Completions.Should().ContainSingle();
    }

    [Fact]
    public async Task Run_SaltApiDownForAWhile_DeletesNothingThenResumes()
    {
        var instance = InstanceId(6);
        var minion = $"{Group}-{instance}";
        salt.Down();
        await using var daemon = await StartDaemonAsync(listening: false);

        await SendAsync(LaunchHook(instance, "token-6"));
        await Eventually.UntilAsync(
            () => Task.FromResult(daemon.Logs.Lines.Any(l => l.Contains("salt-api", StringComparison.Ordinal) && l.Contains(instance, StringComparison.Ordinal) && l.StartsWith("Warning", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), () => "the daemon never reported salt-api failing");
        (await QueueDepthAsync()).Should().Be(1, "a transient failure never deletes the message");
        autoScaling.LifecycleCalls.Should().BeEmpty();

        salt.Up();
        await UntilQueueEmptyAsync();

        salt.CallsFor(minion).Should().Contain(LaunchCalls[1..]);
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
    }

    [Fact]
    public async Task StopAsync_DuringHighstate_ReleasesMessageAtOnceWithinDrainTimeout()
    {
        var instance = InstanceId(7);
        var minion = $"{Group}-{instance}";
        salt.JobDuration = _ => TimeSpan.FromMinutes(5);
        var daemon = await StartDaemonAsync();
        await SendAsync(LaunchHook(instance, "token-7"));
        await Eventually.UntilAsync(
            () => Task.FromResult(salt.CallsFor(minion).Contains("local_async state.highstate")),
            TimeSpan.FromSeconds(20), () => "the highstate never started");

        var clock = Stopwatch.StartNew();
        await daemon.StopAsync();
        var stopped = clock.Elapsed;
        await daemon.DisposeAsync();

        stopped.Should().BeLessThan(TimeSpan.FromSeconds(3 + 5), "the drain timeout is 3 s");
        // The visibility timeout is 30 s: receiving it now proves the release set it back to 0.
        var again = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, WaitTimeSeconds = 5 }, Ct);
        again.Messages.Should().ContainSingle().Which.Body.Should().Contain(instance);
        autoScaling.Calls.Where(c => c.Action == "CompleteLifecycleAction").Should().BeEmpty();
    }

    [Fact]
    public async Task Run_TwoDaemonsOneQueueWithLockDirectory_NeverWorkOnOneInstanceAtOnce()
    {
        var locks = Directory.CreateTempSubdirectory("saltapibridge-locks-");
        try
        {
            salt.JobDuration = _ => TimeSpan.FromMilliseconds(300);
            var settings = new Dictionary<string, string?> { ["Pipeline:LockDirectory"] = locks.FullName, ["Pipeline:LockedRetryDelay"] = "00:00:00.200" };
            await using var first = await StartDaemonAsync(settings);
            await using var second = await StartDaemonAsync(settings);

            // Each instance gets a launch and a terminate; the replicas race for them. Accepted keys let both
            // messages start a job at once (a clean on a pending key would publish nothing).
            for (var i = 0; i < 10; i++)
            {
                salt.SetKey($"{Group}-{InstanceId(100 + i)}", "minions");
                await SendAsync(LaunchHook(InstanceId(100 + i), $"pair-launch-{i}"));
                await SendAsync(SampleMessages.LifecycleHook(Terminating, Group, InstanceId(100 + i), "clean-up", $"pair-terminate-{i}"));
            }

            await UntilQueueEmptyAsync(TimeSpan.FromSeconds(60));

            salt.Violations.Should().BeEmpty("two jobs never ran at once on one minion");
            foreach (var i in Enumerable.Range(100, 10))
                salt.StateRunsStarted($"{Group}-{InstanceId(i)}").Should().Be(2);
            autoScaling.Completions.Should().HaveCount(20);
        }
        finally
        {
            locks.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Run_Serving_AnswersHealthReadinessAndMetrics()
    {
        await using var daemon = await StartDaemonAsync();
        await SendAsync(LaunchHook(InstanceId(8), "token-8"));
        await UntilQueueEmptyAsync();
        using var http = new HttpClient { BaseAddress = daemon.HealthUrl };

        (await http.GetStringAsync(new Uri("/healthz", UriKind.Relative), Ct)).Should().Be("ok\n");
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        ready.IsSuccessStatusCode.Should().BeTrue(await ready.Content.ReadAsStringAsync(Ct));
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
        metrics.Should().MatchRegex("(?m)^saltapibridge_messages_received(_total)?\\{kind=\"Launching\"\\} [1-9]")
            .And.MatchRegex("(?m)^saltapibridge_lifecycle_completions(_total)?\\{kind=\"Launching\",result=\"CONTINUE\"\\} [1-9]")
            .And.MatchRegex("(?m)^saltapibridge_salt_api_logins(_total)?\\{reason=\"first\"\\} [1-9]")
            .And.Contain("saltapibridge_salt_job_duration_seconds_bucket")
            .And.Contain("saltapibridge_instances_in_flight")
            .And.NotContain("msquic", "only the bridge's meter is exported");

        salt.Down();
        using var notReady = await http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        ((int)notReady.StatusCode).Should().Be(503);
    }

    [Fact]
    public async Task Start_CredentialsSlowToArrive_HealthzAnswersWhileReadyzAndTheQueueWaitForThem()
    {
        var credentials = new GatedCredentialsSource();
        await SendAsync(LaunchHook(InstanceId(9), "token-9"));
        await using var daemon = await StartDaemonAsync(listening: false, configureServices: services =>
            services.Replace(ServiceDescriptor.Singleton<IAwsCredentialsSource>(credentials)));
        using var http = new HttpClient { BaseAddress = daemon.HealthUrl };

        (await http.GetStringAsync(new Uri("/healthz", UriKind.Relative), Ct)).Should().Be("ok\n");
        using var waiting = await http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        ((int)waiting.StatusCode).Should().Be(503);
        (await waiting.Content.ReadAsStringAsync(Ct)).Should().Contain("start-up checks running");
        (await QueueDepthAsync()).Should().Be(1, "nothing is received before the credentials are known");

        credentials.Open();
        await UntilQueueEmptyAsync();
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), Ct);
        ready.IsSuccessStatusCode.Should().BeTrue(await ready.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Run_PendingKeyForAnIdNoEventAnnounced_IsNeverAccepted()
    {
        // A minion that claims a plausible id of the group: Auto Scaling even has such an instance waiting. No event names it.
        var stranger = InstanceId(20);
        var strangerMinion = $"{Group}-{stranger}";
        autoScaling.AddInstance(Group, stranger);
        salt.SetKey(strangerMinion, "minions_pre");
        // The announced instance's own key never arrives; only the stranger's is pending.
        var announced = InstanceId(21);
        salt.KeysArriveOnLookup = false;
        await using var daemon = await StartDaemonAsync(new() { ["SaltApi:KeyWaitTimeout"] = "00:00:01" });

        await SendAsync(LaunchHook(announced, "token-21"));
        await UntilQueueEmptyAsync();

        salt.KeyOf(strangerMinion).Should().Be("minions_pre");
        salt.Calls.Should().NotContain(c => c.What.StartsWith("wheel key.accept_dict", StringComparison.Ordinal));
        salt.Calls.Where(c => c.MinionId == strangerMinion).Should().BeEmpty("nothing ever looked at, let alone accepted, a key no event announced");
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("ABANDON", "the announced instance never showed a key");
    }

    [Theory]
    [InlineData("other-asg", "Pending:Wait", "wrong_group")]
    [InlineData(null, null, "instance_unknown")]
    [InlineData(Group, "InService", "not_pending_wait")]
    public async Task Run_AutoScalingDoesNotHaveTheInstanceWaitingInTheGroup_RefusesKeepsKeyPendingAndCountsIt(
        string? actualGroup, string? state, string reason)
    {
        var instance = InstanceId(30);
        var minion = $"{Group}-{instance}";
        if (actualGroup is not null)
            autoScaling.AddInstance(actualGroup, instance, state!);
        salt.SetKey(minion, "minions_pre");
        await using var daemon = await StartDaemonAsync();

        await SendAsync(SampleMessages.LifecycleHook(Launching, Group, instance, Hook, "token-30"));
        await UntilQueueEmptyAsync();

        salt.KeyOf(minion).Should().Be("minions_pre");
        salt.CallsFor(minion).Should().Equal(
            "hook " + BridgeEventTags.Launching, "wheel key.name_match", "hook " + BridgeEventTags.Refused);
        autoScaling.Completions.Should().BeEmpty("a launch Auto Scaling does not have waiting in this group is not ours to complete");
        daemon.Logs.Lines.Should().Contain(l => l.Contains("Accept gate refused", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = daemon.HealthUrl };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);
        // The exporter is process-wide and other tests refuse too: at least this one.
        metrics.Should().MatchRegex($"(?m)^saltapibridge_accept_refusals(_total)?\\{{reason=\"{reason}\"\\}} [1-9]");
    }

    [Fact]
    public async Task Run_RejectedKey_StaysRejectedAndTheLaunchIsAbandoned()
    {
        var instance = InstanceId(40);
        var minion = $"{Group}-{instance}";
        salt.SetKey(minion, "minions_rejected");
        await using var daemon = await StartDaemonAsync();

        await SendAsync(LaunchHook(instance, "token-40"));
        await UntilQueueEmptyAsync();

        salt.KeyOf(minion).Should().Be("minions_rejected");
        salt.CallsFor(minion).Should().Equal(
            "hook " + BridgeEventTags.Launching, "wheel key.name_match", "hook " + BridgeEventTags.Refused, "hook " + BridgeEventTags.ProvisionFailed);
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("ABANDON");
    }

    [Fact]
    public async Task Run_RejectedKeyWithAcceptRejectedKeys_AcceptsItFromRejected()
    {
        var instance = InstanceId(41);
        var minion = $"{Group}-{instance}";
        salt.SetKey(minion, "minions_rejected");
        await using var daemon = await StartDaemonAsync(new() { ["Bridge:AcceptRejectedKeys"] = "true" });

        await SendAsync(LaunchHook(instance, "token-41"));
        await UntilQueueEmptyAsync();

        salt.KeyOf(minion).Should().Be("minions");
        salt.CallsFor(minion).Should().Contain("wheel key.accept_dict minions_rejected");
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
    }

    [Fact]
    public async Task Run_HighstatePublishReplyLost_RepublishesTheSameJidOneRunContinue()
    {
        var instance = InstanceId(60);
        var minion = $"{Group}-{instance}";
        salt.JobDuration = _ => TimeSpan.FromSeconds(1);
        var lost = 0;
        // The master publishes, then the reply is lost (a proxy resetting the connection, as tried on a real master).
        salt.ReplyFilter = (request, reply) => request.Body.Contains("state.highstate", StringComparison.Ordinal) && Interlocked.Increment(ref lost) == 1
            ? reply with { ResetMidway = true }
            : reply;
        await using var daemon = await StartDaemonAsync();

        await SendAsync(LaunchHook(instance, "token-60"));
        await UntilQueueEmptyAsync();

        salt.PublishedJids(minion).Should().HaveCountGreaterThan(1).And.OnlyContain(j => j == salt.PublishedJids(minion)[0]);
        salt.StateRunsStarted(minion).Should().Be(1);
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
        salt.Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_OperatorsHighstateRunning_WaitsForItThenRunsOursOnceContinue()
    {
        var instance = InstanceId(61);
        var minion = $"{Group}-{instance}";
        salt.SetKey(minion, "minions");
        await using var daemon = await StartDaemonAsync();
        // The operator's run outlasts the daemon's way to its own publish by far, even on a loaded machine.
        salt.JobDuration = _ => TimeSpan.FromSeconds(6);
        var (http, _) = await SaltApiBridge.Tests.Simulation.SimulatorHttp.LoggedInAsync(salt, Ct);
        using (http)
            await SaltApiBridge.Tests.Simulation.SimulatorHttp.LowstateAsync(http, SaltApiBridge.Tests.Simulation.SimulatorHttp.Publish(minion, "state.highstate", "20261129100000000001"), Ct);
        salt.JobDuration = _ => TimeSpan.FromMilliseconds(300);

        await SendAsync(LaunchHook(instance, "token-61"));
        await UntilQueueEmptyAsync();

        var published = salt.PublishedJids(minion);
        published[0].Should().Be("20261129100000000001");
        published.Skip(1).Distinct().Should().HaveCount(2, "ours was refused once, then published under a new jid after the operator's ended");
        salt.StateRunsStarted(minion).Should().Be(2, "the operator's and ours");
        autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
        daemon.Logs.Lines.Should().Contain(l => l.Contains("another state run is in progress", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_RestartMidHighstate_ResumesHeartbeatsAndWaitsForTheSameJob()
    {
        var instance = InstanceId(50);
        var minion = $"{Group}-{instance}";
        var records = Directory.CreateTempSubdirectory("saltapibridge-records-");
        try
        {
            // A 30 s hook: heartbeats every 9-10 s; the highstate outlives the first daemon.
            autoScaling.SetHooks(Group, new SimulatedHook(Hook, Launching, 30), new SimulatedHook("clean-up", Terminating, 30, "CONTINUE"));
            salt.JobDuration = _ => TimeSpan.FromSeconds(8);
            var settings = new Dictionary<string, string?> { ["Pipeline:RecordDirectory"] = records.FullName };
            var first = await StartDaemonAsync(settings);
            await SendAsync(LaunchHook(instance, "token-50"));
            await Eventually.UntilAsync(
                () => Task.FromResult(salt.CallsFor(minion).Contains("local_async state.highstate")),
                TimeSpan.FromSeconds(20), () => "the highstate never started");
            await first.DisposeAsync(); // drains 3 s, then releases the message mid-highstate
            var heartbeatsBefore = autoScaling.Heartbeats.Count;

            await using var second = await StartDaemonAsync(settings);
            await UntilQueueEmptyAsync();

            salt.Calls.Count(c => c.MinionId == minion && c.What == "local_async state.highstate").Should().Be(1, "the restarted daemon waits for the job it finds running");
            salt.CallsFor(minion).Should().Equal([.. LaunchCalls[..^1], "wheel key.name_match", "hook " + BridgeEventTags.Provisioned]);
            autoScaling.Heartbeats.Count.Should().BeGreaterThan(heartbeatsBefore, "heartbeats resume at once after the restart; " + string.Join("\n", second.Logs.Lines.Where(l => l.Contains("eartbeat", StringComparison.Ordinal) || l.Contains("Resum", StringComparison.Ordinal))));
            autoScaling.Completions.Should().ContainSingle().Which.Result.Should().Be("CONTINUE");
            salt.Violations.Should().BeEmpty();
        }
        finally
        {
            records.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_HeartbeatIntervalNotShorterThanAHookTimeout_StopsNamingTheHookBeforeReceivingAnything()
    {
        autoScaling.SetHooks(Group, new SimulatedHook(Hook, Launching, 300), new SimulatedHook("clean-up", Terminating, 900, "CONTINUE"));
        await SendAsync(LaunchHook("i-0123456789abcdef0", "token-never-worked-on"));

        // The health listener answers first; the hooks' check then stops the daemon (`run` exits 2).
        await using var daemon = await StartDaemonAsync(new() { ["Bridge:Groups:0"] = Group, ["AutoScaling:HeartbeatInterval"] = "00:10:00" }, listening: false);
        await Eventually.UntilAsync(() => Task.FromResult(daemon.Stopping.IsCancellationRequested), TimeSpan.FromSeconds(20), () => "the daemon never stopped");

        daemon.Logs.Lines.Should().ContainSingle(l => l.Contains("Invalid configuration", StringComparison.Ordinal))
            .Which.Should().Contain("hook provision of group web-asg").And.Contain("00:05:00");
        autoScaling.Calls.Should().ContainSingle().Which.Action.Should().Be("DescribeLifecycleHooks");
        (await QueueDepthAsync()).Should().Be(1, "nothing is received before the start-up checks passed");
    }

    /// <summary>
    /// The daemon, started and (unless salt-api is down or refuses the stream) listening: a daemon runs long before its
    /// scale-out, and the exact call lists below are those of a proven stream, not of the polling before it.
    /// </summary>
    private async Task<BridgeDaemon> StartDaemonAsync(Dictionary<string, string?>? settings = null, bool listening = true, Action<IServiceCollection>? configureServices = null)
    {
        var daemon = await BridgeDaemon.StartAsync(fauxqs, queueUrl, salt, autoScaling, settings, configureServices);
        if (listening && !salt.RefuseEventStreams)
        {
            await Eventually.UntilAsync(
                () => Task.FromResult(daemon.Logs.Lines.Any(l => l.Contains("Event stream proven", StringComparison.Ordinal))),
                TimeSpan.FromSeconds(20), () => "the event stream was never proven");
        }

        return daemon;
    }

    private async Task SendAsync(string body) => await sqs.SendMessageAsync(queueUrl, body, Ct);

    /// <summary>A launch hook message for an instance that Auto Scaling really has waiting in Pending:Wait.</summary>
    private string LaunchHook(string instance, string token)
    {
        autoScaling.AddInstance(Group, instance, token: token);
        return SampleMessages.LifecycleHook(Launching, Group, instance, Hook, token);
    }

    private Task<int> QueueDepthAsync() => FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, Ct);

    private Task UntilQueueEmptyAsync(TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            async () => await QueueDepthAsync() == 0,
            timeout ?? TimeSpan.FromSeconds(30),
            () => $"the queue never emptied; salt calls: {string.Join(" | ", salt.Calls.TakeLast(20).Select(c => $"{c.MinionId} {c.What}"))}; violations: {string.Join(" | ", salt.Violations)}");

    private static string InstanceId(int n) => $"i-{n:x17}";
}
