using System.Diagnostics;
using System.Globalization;
using Amazon.SQS;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Demo;

/// <summary>
/// The local demo: the SQS/SNS emulator, a simulated salt-api (transcript replies, real latencies scaled) and Auto
/// Scaling endpoint, and the real daemon between them (in this process; with <c>--replicas 2</c>, two daemon processes
/// on a DynamoDB table, one killed mid-run: <see cref="DemoReplicas"/>). Plays a scale-out (some messages through SNS,
/// some straight to SQS, some in the EventBridge shape; one highstate fails) and then a scale-in, and checks every outcome.
/// </summary>
internal sealed class DemoRunner(DemoSettings settings, Action<string> say)
{
    private const string WebGroup = "web-asg";
    private const string WorkerGroup = "worker-asg";
    private const string Launching = "autoscaling:EC2_INSTANCE_LAUNCHING";
    private const string Terminating = "autoscaling:EC2_INSTANCE_TERMINATING";
    private const string LaunchHook = "provision";
    private const string TerminateHook = "clean-up";
    private const string Password = "demo-salt-api-password";
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs the demo; <paramref name="present"/> shows progress until the play task ends.</summary>
    public async Task<DemoReport> RunAsync(Func<DemoTracker, Task, Task> present, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(present);
        var directory = FauxqsEmulator.FindDirectory()
            ?? throw new InvalidOperationException("tools/fauxqs not found: run the demo from the repository (dotnet run --project simulation/SaltApiBridge.Demo)");
        var instances = Scenario(settings);
        var tracker = new DemoTracker(instances, settings.Masters);

        say(settings.Masters == 1
            ? "starting the SQS/SNS emulator, the simulated salt-api and Auto Scaling endpoint…"
            : $"starting the SQS/SNS emulator, {settings.Masters} simulated hot/hot Salt masters (separate keys and job caches, shared minions) and the Auto Scaling endpoint…");
        await using var emulator = await FauxqsEmulator.StartAsync(directory, say, cancellationToken);
        await using var masters = new SimulatedMasters(settings.Masters);
        var salt = masters.Masters[0];
        await using var autoScaling = new SimulatedAutoScaling();
        var random = new Random(settings.Seed);
        var highstates = instances.ToDictionary(i => i.MinionId, _ => settings.Scaled(LongTail.Sample(random, TimeSpan.FromSeconds(90), sigma: 0.6)));
        var boots = instances.ToDictionary(i => i.MinionId, _ => settings.Scaled(TimeSpan.FromSeconds(20 + (random.NextDouble() * 40))));
        var byMinion = instances.ToDictionary(i => i.MinionId);
        masters.Minions.KeyArrivalDelay = minion => boots[minion];
        foreach (var (master, index) in masters.Masters.Select((m, i) => (m, i)))
        {
            master.LatencyScale = 1 / settings.Speed;
            master.Password = Password;
            master.JobDuration = minion => byMinion[minion].TerminatingSent ? settings.Scaled(TimeSpan.FromSeconds(10)) : highstates[minion];
            foreach (var failing in instances.Where(i => i.Fails))
                master.FailingMinions[failing.MinionId] = true;
            master.Called += call => tracker.OnSaltCall(call, index);
        }

        autoScaling.Called += tracker.OnAutoScalingCall;
        // Auto Scaling knows the instances it launches (the accept gate asks it before any key is accepted) and each
        // action's hook (a takeover completes by instance id and hook).
        foreach (var instance in instances)
        {
            autoScaling.AddInstance(instance.Group, instance.InstanceId, token: instance.LaunchToken, hook: LaunchHook);
            autoScaling.AddAction(instance.InstanceId, instance.TerminateToken, TerminateHook);
        }

        using var sqs = emulator.CreateSqsClient();
        var deadLetterUrl = await emulator.CreateQueueAsync("saltapibridge-demo-dlq", null, cancellationToken);
        var queueAttributes = new Dictionary<string, string>
        {
            ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{FauxqsEmulator.QueueArn("saltapibridge-demo-dlq")}}","maxReceiveCount":"5"}""",
        };
        if (settings.Replicas > 1)
            queueAttributes["VisibilityTimeout"] = DemoReplicas.QueueVisibilityTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        var queueUrl = await emulator.CreateQueueAsync("saltapibridge-demo", queueAttributes, cancellationToken);
        var topic = await emulator.CreateTopicAsync("saltapibridge-demo", cancellationToken);
        await emulator.SubscribeQueueAsync(topic, "saltapibridge-demo", cancellationToken);

        var logs = new DemoLogs();
        var settingsOfDaemon = DaemonSettings(queueUrl, autoScaling);
        await using var daemon = settings.Replicas == 1 ? BuildDaemon(emulator, settingsOfDaemon, masters, logs) : null;
        await using var replicas = settings.Replicas == 1 ? null
            : await DemoReplicas.StartAsync(settings.Replicas, settingsOfDaemon, masters, ("saltapibridge", Password), emulator.Endpoint, say, cancellationToken);
        if (daemon is not null)
        {
            await daemon.StartAsync(cancellationToken);
            say($"the daemon is running (health and metrics on {string.Join(' ', daemon.Urls)}); {instances.Count} instances to launch, then {instances.Count(i => i.ScaledIn)} to scale in");
        }
        else
        {
            say($"{replicas!.Replicas.Count} daemons are running ({string.Join(", ", replicas.Replicas.Select(r => $"{r.Name} next to {r.Master}"))}), sharing the queue "
                + $"and the DynamoDB table {DemoReplicas.TableName} in dynalite ({replicas.Endpoint}); {instances.Count} instances to launch, then {instances.Count(i => i.ScaledIn)} to scale in; "
                + $"{replicas.Replicas[0].Name} will be killed (SIGKILL) once a third of the launches are done, while it runs a highstate "
                + $"(until then {replicas.Replicas[0].Master} keeps {replicas.Replicas[0].Name}'s highstates running, as long ones would)");
        }

        // The in-process host owns SIGINT/SIGTERM once started: its stopping signal ends the demo too.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken, daemon?.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping ?? CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var play = PlayAsync(instances, tracker, emulator, sqs, queueUrl, topic, masters.Minions, stopping.Token);
        var kill = replicas?.KillMidRunAsync(tracker, play, clock);
        await present(tracker, play);
        var timedOut = !await play;

        var left = await FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, stopping.Token);
        if (daemon is not null)
            await daemon.StopAsync(CancellationToken.None);
        DemoReplicaRun? replicaRun = null;
        if (replicas is not null)
        {
            await replicas.StopAsync();
            var killed = kill is null ? null : await kill;
            replicaRun = new DemoReplicaRun(replicas.Replicas, killed, killed is null ? 0 : replicas.TakenOverFrom(killed.Replica), tracker.RefusedCompletions);
        }

        return new DemoReport(
            instances, left, await FauxqsEmulator.MessagesLeftAsync(sqs, deadLetterUrl, cancellationToken),
            [.. masters.Masters.SelectMany(m => m.Violations)], tracker.StrayCalls,
            masters.Masters.Sum(m => m.Calls.Count), clock.Elapsed, timedOut, replicas?.Log ?? logs.Lines, [.. KeysOutOfPlace(instances, masters)], replicaRun);
    }

    /// <summary>Keys not where the run leaves them on every master: accepted for an instance in service, gone otherwise.</summary>
    private static IEnumerable<string> KeysOutOfPlace(IReadOnlyList<DemoInstance> instances, SimulatedMasters masters)
    {
        foreach (var instance in instances.Where(i => i.Done))
        {
            var expected = instance.ScaledIn || instance.Fails ? null : "minions";
            foreach (var (master, name) in masters.Masters.Zip(masters.Names))
            {
                if (master.KeyOf(instance.MinionId) is var key && key != expected)
                    yield return $"key {instance.MinionId} on {name} is {key ?? "absent"}, expected {expected ?? "absent"}";
            }
        }
    }

    /// <summary>Sends the scale-out, then the scale-in and the terminated notifications as Auto Scaling would.</summary>
    /// <returns>false when the deadline passed first.</returns>
    private async Task<bool> PlayAsync(
        IReadOnlyList<DemoInstance> instances, DemoTracker tracker, FauxqsEmulator emulator, IAmazonSQS sqs, string queueUrl, string topic, SimulatedMinions minions, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + settings.Deadline;
        await emulator.PublishAsync(topic, SampleMessages.Notification("autoscaling:TEST_NOTIFICATION", WebGroup, null), "Auto Scaling: test notification", cancellationToken);
        foreach (var instance in instances)
        {
            var hook = SampleMessages.LifecycleHook(Launching, instance.Group, instance.InstanceId, LaunchHook, instance.LaunchToken);
            switch (instance.Via)
            {
                case "sns":
                    await emulator.PublishAsync(topic, hook, "Auto Scaling: Lifecycle action", cancellationToken);
                    break;
                case "eventbridge":
                    await sqs.SendMessageAsync(queueUrl, SampleMessages.EventBridge("EC2 Instance-launch Lifecycle Action", Launching, instance.Group, instance.InstanceId, LaunchHook, instance.LaunchToken), cancellationToken);
                    break;
                default:
                    await sqs.SendMessageAsync(queueUrl, hook, cancellationToken);
                    break;
            }
        }

        var scaleInStarted = false;
        while (!instances.All(i => i.Done))
        {
            if (DateTime.UtcNow > deadline)
                return false;

            // Auto Scaling terminates an abandoned launch, and a scaled-in instance once its hook completed.
            foreach (var gone in instances.Where(i => !i.TerminatedSent
                && ((i.Fails && i.LaunchResult is not null) || (i.ScaledIn && i.TerminateResult is not null))))
            {
                gone.TerminatedSent = true;
                minions.Terminate(gone.MinionId);
                await emulator.PublishAsync(topic, SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", gone.Group, gone.InstanceId), "Auto Scaling: termination", cancellationToken);
            }

            if (!scaleInStarted && instances.All(i => i.LaunchResult is not null))
            {
                scaleInStarted = true;
                tracker.ScalingIn = true;
                foreach (var leaving in instances.Where(i => i.ScaledIn))
                {
                    leaving.TerminatingSent = true;
                    await sqs.SendMessageAsync(queueUrl, SampleMessages.LifecycleHook(Terminating, leaving.Group, leaving.InstanceId, TerminateHook, leaving.TerminateToken), cancellationToken);
                }
            }

            await Task.Delay(Tick, cancellationToken);
        }

        // The last deletes are batched: give them a moment.
        while (await FauxqsEmulator.MessagesLeftAsync(sqs, queueUrl, cancellationToken) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(Tick, cancellationToken);
        return true;
    }

    /// <summary>The daemon in this process, its SQS client and credentials the emulator's, its log kept for the summary.</summary>
    private static WebApplication BuildDaemon(FauxqsEmulator emulator, Dictionary<string, string?> daemonSettings, SimulatedMasters masters, DemoLogs logs)
    {
        var configuration = new Dictionary<string, string?>(daemonSettings);
        // SaltApi:BaseUrl, credentials, and with several masters SaltApi:Masters and Topology.
        foreach (var (key, value) in masters.DaemonSettings("saltapibridge", Password))
            configuration[key] = value;
        return LocalDaemon.Build(emulator, configuration, services => services.AddSingleton<ILoggerProvider>(logs));
    }

    /// <summary>The demo's daemon settings but its masters': the production cadences on the demo's clock.</summary>
    private Dictionary<string, string?> DaemonSettings(string queueUrl, SimulatedAutoScaling autoScaling)
    {
        string Span(TimeSpan real) => settings.Scaled(real).ToString("c", CultureInfo.InvariantCulture);
        return new Dictionary<string, string?>
        {
            ["Queue:QueueUrl"] = queueUrl,
            ["Queue:WaitTimeSeconds"] = "2",
            ["Queue:VisibilityTimeoutSeconds"] = "30",
            ["SaltApi:RetryDelay"] = "00:00:00.100",
            ["SaltApi:CircuitBreakDuration"] = "00:00:01",
            ["SaltApi:KeyWaitTimeout"] = Span(TimeSpan.FromMinutes(5)),
            ["SaltApi:KeyPollInterval"] = Span(TimeSpan.FromSeconds(2)),
            ["SaltApi:KeyPollMaxInterval"] = Span(TimeSpan.FromSeconds(15)),
            ["SaltApi:ReachableTimeout"] = Span(TimeSpan.FromMinutes(2)),
            ["SaltApi:ReachablePollInterval"] = Span(TimeSpan.FromSeconds(1)),
            ["SaltApi:ReachablePollMaxInterval"] = Span(TimeSpan.FromSeconds(5)),
            ["SaltApi:JobTimeout"] = Span(TimeSpan.FromMinutes(30)),
            ["SaltApi:JobPollInterval"] = Span(TimeSpan.FromSeconds(2)),
            ["SaltApi:JobPollMaxInterval"] = Span(TimeSpan.FromSeconds(15)),
            ["AutoScaling:Region"] = FauxqsEmulator.Region,
            ["AutoScaling:ServiceUrl"] = autoScaling.Url,
            ["Bridge:Groups:0"] = WebGroup,
            ["Bridge:Groups:1"] = WorkerGroup,
            ["Bridge:GoldenImageGroups:0"] = WorkerGroup,
            ["Pipeline:StepRetryDelay"] = Span(TimeSpan.FromSeconds(15)),
            ["Pipeline:RetryBackoff"] = "00:00:01",
            ["Pipeline:MaxRetryBackoff"] = "00:00:05",
            ["Pipeline:DrainTimeout"] = "00:00:05",
            ["Health:Urls"] = "http://127.0.0.1:0",
            // What an operator's journal shows of the bridge (its own lines at Information), the rest at Warning.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:SaltApiBridge"] = "Information",
            ["Logging:Console:LogLevel:Default"] = "None",
        };
    }

    /// <summary>The demo's fleet: mostly web servers, a quarter golden-image workers, one highstate that fails.</summary>
    internal static IReadOnlyList<DemoInstance> Scenario(DemoSettings settings)
    {
        var random = new Random(settings.Seed);
        var shape = Enumerable.Range(0, settings.Instances)
            .Select(i => (Id: "i-" + string.Concat(Enumerable.Range(0, 17).Select(_ => "0123456789abcdef"[random.Next(16)])),
                          Group: i % 4 == 3 ? WorkerGroup : WebGroup,
                          Via: i % 5 == 4 ? "eventbridge" : i % 2 == 1 ? "sns" : "direct"))
            .ToList();
        var web = shape.Select((s, i) => (s, i)).Where(x => x.s.Group == WebGroup).Select(x => x.i).ToList();
        var failing = web[random.Next(web.Count)];
        var leaving = Enumerable.Range(0, shape.Count).Where(i => i != failing).OrderBy(_ => random.Next()).Take(settings.ScaleIn).ToHashSet();
        return [.. shape.Select((s, i) => new DemoInstance(s.Id, s.Group, s.Via, s.Group == WorkerGroup, i == failing, leaving.Contains(i)))];
    }


}
