using System.Text.Json;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// The daemon as a child process, killed with SIGKILL in the middle of a storm and started again. The new process
/// resumes the actions on record at once, and finishes the rest when their messages come back after the visibility
/// timeout. Every action must end completed once, with the right result, and no message may be lost.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class DaemonKillTests(FauxqsServer fauxqs) : IDisposable
{
    /// <summary>The shortest the daemon accepts: in-flight messages of the killed daemon come back within it.</summary>
    private const int VisibilityTimeoutSeconds = 10;
    private readonly string configFile = Path.Combine(Path.GetTempPath(), $"saltapibridge-chaos-{Guid.NewGuid():N}.json");

    /// <summary>Durable provisioning records, as the formula installs them: the restarted daemon republishes recorded jids.</summary>
    private readonly string recordDirectory = Directory.CreateTempSubdirectory("saltapibridge-chaos-records-").FullName;

    [Fact]
    public async Task Run_DaemonKilledMidStormAndStartedAgain_EveryInvariantHolds()
    {
        await using var run = new ChaosRun(fauxqs, "sigkill");
        await run.CreateQueuesAsync(ChaosSettings.MaxReceiveCount, VisibilityTimeoutSeconds);
        var faults = new SaltFaultInjector(run.Salt, seed: 13, rate: 0, ChaosSettings.Stall);
        var random = new Random(13);
        var jobs = new Dictionary<string, TimeSpan>();
        var messages = new List<ChaosMessage>();
        for (var n = 600; n < 660; n++)
        {
            messages.Add(ChaosMessages.Launch(n, n % 17 == 0 ? ChaosMessages.Abandon : ChaosMessages.Continue, format: n));
            if (n % 17 == 0)
                run.Salt.FailingMinions[ChaosMessages.MinionId(n)] = true;
        }

        for (var n = 660; n < 670; n++)
        {
            run.Salt.SetKey(ChaosMessages.MinionId(n), "minions");
            messages.Add(ChaosMessages.Terminate(n));
        }

        for (var n = 670; n < 676; n++)
        {
            run.Salt.SetKey(ChaosMessages.MinionId(n), "minions");
            messages.Add(ChaosMessages.Terminated(n));
        }

        foreach (var minion in messages.Select(m => m.MinionId!))
            jobs[minion] = TimeSpan.FromMilliseconds(random.Next(300, 800));
        run.Salt.JobDuration = minion => jobs.GetValueOrDefault(minion);
        await File.WriteAllTextAsync(configFile, Config(run), TestContext.Current.CancellationToken);

        await run.SendAsync([.. messages.OrderBy(_ => random.Next())]);
        await using var first = DaemonProcess.Start(configFile, ChaosRun.AwsSecretKey);
        await Eventually.UntilAsync(
            () => Task.FromResult(run.AutoScaling.Completions.Count >= 25 || first.HasExited),
            TimeSpan.FromSeconds(30), () => "the first daemon never got a third of the way");
        first.HasExited.Should().BeFalse(string.Join("\n", first.Lines.TakeLast(20)));
        await first.KillAsync();
        var completedBeforeKill = run.AutoScaling.Completions.Count;
        var startedBeforeKill = first.Lines.Count(l => l.Contains(": starting (message ", StringComparison.Ordinal));

        await using var second = DaemonProcess.Start(configFile, ChaosRun.AwsSecretKey);
        await run.UntilDrainedAsync(TimeSpan.FromSeconds(60));

        var record = await run.RecordAsync([.. first.Lines, .. second.Lines], faults);
        ChaosSettings.Report("SIGKILL mid-storm", ChaosRun.Summary(record, faults, run.Elapsed)
            + $"; killed after {completedBeforeKill} completions with {startedBeforeKill - completedBeforeKill} or so in flight");
        ChaosInvariants.Check(record).Should().BeEmpty();
        record.DeadLetters.Should().BeEmpty("nothing here fails for good");
        second.Lines.Should().Contain(l => l.Contains(": resuming from its record", StringComparison.Ordinal),
            "actions the killed daemon had in progress are resumed from their records at start, before their messages come back");
    }

    public void Dispose()
    {
        File.Delete(configFile);
        Directory.Delete(recordDirectory, recursive: true);
    }

    /// <summary>The daemon's configuration as a file (the password too: never on the command line).</summary>
    private string Config(ChaosRun run) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["Queue"] = new Dictionary<string, object>
        {
            ["QueueUrl"] = run.QueueUrl,
            ["ServiceUrl"] = fauxqs.Endpoint,
            ["Region"] = FauxqsServer.Region,
            ["WaitTimeSeconds"] = 1,
            ["Pollers"] = 2,
            ["VisibilityTimeoutSeconds"] = VisibilityTimeoutSeconds,
        },
        ["SaltApi"] = new Dictionary<string, object>
        {
            ["BaseUrl"] = run.Salt.BaseUrl,
            ["Username"] = "saltapi",
            ["Password"] = SaltApiHarness.Password,
            ["AttemptTimeout"] = ChaosSettings.AttemptTimeout,
            ["RetryDelay"] = "00:00:00.050",
            ["MaxRetries"] = 2,
            ["CircuitBreakDuration"] = "00:00:00.500",
            ["KeyPollInterval"] = "00:00:00.050",
            ["KeyPollMaxInterval"] = "00:00:00.200",
            ["ReachablePollInterval"] = "00:00:00.050",
            ["ReachablePollMaxInterval"] = "00:00:00.200",
            ["JobPollInterval"] = "00:00:00.100",
            ["JobPollMaxInterval"] = "00:00:00.250",
        },
        ["AutoScaling"] = new Dictionary<string, object>
        {
            ["Region"] = FauxqsServer.Region,
            ["ServiceUrl"] = run.AutoScaling.Url,
            ["RetryBaseDelay"] = "00:00:00.050",
        },
        ["Pipeline"] = new Dictionary<string, object>
        {
            ["MaxInFlight"] = 16,
            ["StepRetryDelay"] = "00:00:00.100",
            ["RetryBackoff"] = "00:00:01",
            ["MaxRetryBackoff"] = "00:00:02",
            ["DrainTimeout"] = "00:00:03",
            ["VisibilityExtensionInterval"] = "00:00:01",
            ["DeleteBatchWindow"] = "00:00:00.050",
            ["RecordDirectory"] = recordDirectory,
        },
        ["Health"] = new Dictionary<string, object> { ["Urls"] = "http://127.0.0.1:0" },
        ["Logging"] = new Dictionary<string, object>
        {
            ["LogLevel"] = new Dictionary<string, string> { ["Default"] = "Debug", ["Microsoft"] = "Warning", ["System.Net.Http"] = "Warning", ["Polly"] = "Warning" },
            ["Console"] = new Dictionary<string, object> { ["FormatterName"] = "json" },
        },
    });
}
