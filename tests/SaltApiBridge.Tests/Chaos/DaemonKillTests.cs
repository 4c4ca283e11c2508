using SaltApiBridge.Tests.Fixtures;

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
        var messages = ChaosStorm.Prepare(run, new Random(13), first: 600, (Launches: 60, Terminating: 10, Terminated: 6), jobMilliseconds: (300, 800));
        await File.WriteAllTextAsync(configFile, Config(run), TestContext.Current.CancellationToken);

        await run.SendAsync(messages);
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

    private string Config(ChaosRun run) => ChaosDaemonConfiguration.Json(
        run, fauxqs.Endpoint, VisibilityTimeoutSeconds, new Dictionary<string, object> { ["RecordDirectory"] = recordDirectory });
}
