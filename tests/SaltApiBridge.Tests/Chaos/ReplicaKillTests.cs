using System.Globalization;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// Two replicas, each a child process (<c>dotnet saltapibridge.dll run</c>), on one queue and one DynamoDB table
/// (dynalite) with the DynamoDB store; one is killed with SIGKILL in the middle of a storm and never started again. The
/// other finishes everything: the actions the dead one had in progress from their records once its leases run out, the
/// rest when their messages come back. Every invariant must hold.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ReplicaKillTests(FauxqsServer fauxqs, DynaliteServer dynalite) : IDisposable
{
    /// <summary>The shortest the daemon accepts: the dead replica's in-flight messages come back within it.</summary>
    private const int VisibilityTimeoutSeconds = 10;

    /// <summary>The shortest lease the daemon accepts: the dead replica's actions are taken over within it.</summary>
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);

    private readonly List<string> configFiles = [];

    [Fact]
    public async Task Run_OneOfTwoReplicasKilledMidStormNeverRestarted_TheOtherFinishesEverythingAndEveryInvariantHolds()
    {
        await using var run = new ChaosRun(fauxqs, "replica-kill");
        await run.CreateQueuesAsync(ChaosSettings.MaxReceiveCount, VisibilityTimeoutSeconds);
        var faults = new SaltFaultInjector(run.Salt, seed: 23, rate: 0, ChaosSettings.Stall);
        // Long enough that the kill finds highstates running on the replica it kills.
        var messages = ChaosStorm.Prepare(run, new Random(23), first: 2300, (Launches: 60, Terminating: 10, Terminated: 6), jobMilliseconds: (500, 2500));
        var table = await dynalite.CreateTableAsync("chaos-replicas");
        await using var dead = await StartAsync(run, table, "replica1");
        await using var survivor = await StartAsync(run, table, "replica2");

        await run.SendAsync(messages);
        await Eventually.UntilAsync(
            () => Task.FromResult((run.AutoScaling.Completions.Count >= 20 && Started(dead) >= 10) || dead.HasExited),
            TimeSpan.FromSeconds(40), () => "the storm never got a third of the way on replica1");
        dead.HasExited.Should().BeFalse(string.Join("\n", dead.Lines.TakeLast(20)));
        await dead.KillAsync();
        var killedAt = run.Elapsed;
        var completedBeforeKill = run.AutoScaling.Completions.Count;
        var startedBeforeKill = Started(dead);

        await run.UntilDrainedAsync(TimeSpan.FromSeconds(60));
        var drainedAfter = run.Elapsed - killedAt;

        var record = await run.RecordAsync([.. dead.Lines, .. survivor.Lines], faults);
        var takenOver = survivor.Lines.Count(l => l.Contains("Taking over ", StringComparison.Ordinal) && l.Contains("from replica1", StringComparison.Ordinal));
        var knownFinished = survivor.Lines.Count(l => l.Contains("is a duplicate of finished work", StringComparison.Ordinal));
        ChaosSettings.Report("replica killed", ChaosRun.Summary(record, faults, run.Elapsed)
            + $"; replica1 of 2 killed at {killedAt.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s after {completedBeforeKill} completions, having started {startedBeforeKill} pieces of work; "
            + $"replica2 took over {takenOver} actions from their records (their messages, back after the visibility timeout, known as finished: {knownFinished}); "
            + $"queue drained {drainedAfter.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s after the kill");
        ChaosInvariants.Check(record).Should().BeEmpty();
        record.DeadLetters.Should().BeEmpty("nothing here fails for good");
        takenOver.Should().BePositive("the actions the dead replica had in progress are taken over from their records once its leases run out");
    }

    public void Dispose()
    {
        foreach (var file in configFiles)
            File.Delete(file);
    }

    /// <summary>Pieces of work the replica started (from a message or a record).</summary>
    private static int Started(DaemonProcess daemon) =>
        daemon.Lines.Count(l => l.Contains(": starting (message ", StringComparison.Ordinal) || l.Contains(": resuming from its record", StringComparison.Ordinal));

    /// <summary>A replica with the DynamoDB store on <paramref name="table"/>, once its event stream is proven (it is working).</summary>
    private async Task<DaemonProcess> StartAsync(ChaosRun run, string table, string name)
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-chaos-{name}-{Guid.NewGuid():N}.json");
        configFiles.Add(file);
        await File.WriteAllTextAsync(file, ChaosDaemonConfiguration.Json(
            run, fauxqs.Endpoint, VisibilityTimeoutSeconds,
            new Dictionary<string, object> { ["LockedRetryDelay"] = "00:00:02" },
            new Dictionary<string, object>
            {
                ["Store"] = "DynamoDb",
                ["TableName"] = table,
                ["ServiceUrl"] = dynalite.Endpoint,
                ["Region"] = DynaliteServer.Region,
                ["ReplicaName"] = name,
                ["LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
            }), TestContext.Current.CancellationToken);
        var daemon = DaemonProcess.Start(file, ChaosRun.AwsSecretKey);
        await Eventually.UntilAsync(
            () => Task.FromResult(daemon.Lines.Any(l => l.Contains("Event stream proven", StringComparison.Ordinal)) || daemon.HasExited),
            TimeSpan.FromSeconds(40), () => $"{name} never proved its event stream:\n" + string.Join("\n", daemon.Lines.TakeLast(20)));
        daemon.HasExited.Should().BeFalse(string.Join("\n", daemon.Lines.TakeLast(20)));
        return daemon;
    }
}
