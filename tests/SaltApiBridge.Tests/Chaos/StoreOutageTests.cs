using System.Globalization;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.Tests.EndToEnd;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// Two replicas (in-process hosts, so their deletes are on the timeline) with the DynamoDB store on one table of a
/// dynalite of their own, which is stopped in the middle of a storm and started again ~10 s later on the same port with
/// its data. Meanwhile no new instance work starts (messages go back), renewals fail and the leases are lost, so the
/// work in progress stops before its next call; afterwards it is taken over from the records or decided again when its
/// message comes back. Nothing lost, nothing run twice, every action completed once; each replica says once that the
/// store is gone and once that it is back.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed partial class StoreOutageTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    /// <summary>Shorter than the outage: every lease held when the store goes is lost before it comes back.</summary>
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);

    private readonly DirectoryInfo data = Directory.CreateTempSubdirectory("saltapibridge-chaos-dynalite-");
    private DynaliteServer? dynalite;

    private DynaliteServer Dynalite => dynalite!;

    public async ValueTask InitializeAsync() => dynalite = await DynaliteServer.StartDedicatedAsync(data.FullName);

    public async ValueTask DisposeAsync()
    {
        if (dynalite is not null)
            await dynalite.DisposeAsync();
        data.Delete(recursive: true);
    }

    [Fact]
    public async Task Run_StoreDownForTenSecondsMidStormWithTwoReplicas_NothingLostNothingRunTwiceOneOutageLineEach()
    {
        await using var run = new ChaosRun(fauxqs, "store-outage");
        await run.CreateQueuesAsync(ChaosSettings.MaxReceiveCount, ChaosSettings.VisibilityTimeoutSeconds);
        var faults = new SaltFaultInjector(run.Salt, seed: 29, rate: 0, ChaosSettings.Stall);
        // Highstates of 1-4 s: the outage finds many running, on both replicas.
        var messages = ChaosStorm.Prepare(run, new Random(29), first: 2900, (Launches: 40, Terminating: 8, Terminated: 4), jobMilliseconds: (1000, 4000));
        var table = await Dynalite.CreateTableAsync("chaos-outage");
        await using var one = await StartAsync(run, table, "replica1");
        await using var two = await StartAsync(run, table, "replica2");
        BridgeDaemon[] replicas = [one, two];

        await run.SendAsync(messages);
        await Eventually.UntilAsync(
            () => Task.FromResult(run.AutoScaling.Completions.Count >= 8 && replicas.All(r => Working(r) >= 4)),
            TimeSpan.FromSeconds(40), () => "the storm never got going on both replicas");
        var completedBefore = run.AutoScaling.Completions.Count;
        await Dynalite.StopAsync();
        var stoppedAt = run.Elapsed;
        await Eventually.UntilAsync(
            () => Task.FromResult(replicas.All(r => OutageWarnings(r).Count > 0)),
            Outage, () => "a replica never noticed the store was gone");
        // The fault's length: the store stays down this long, whatever the replicas do meanwhile.
        var left = Outage - (run.Elapsed - stoppedAt);
        if (left > TimeSpan.Zero)
            await Task.Delay(left, TestContext.Current.CancellationToken);
        await Dynalite.StartAgainAsync();
        var outage = run.Elapsed - stoppedAt;
        var completedDuring = run.AutoScaling.Completions.Count - completedBefore;

        await run.UntilDrainedAsync(TimeSpan.FromSeconds(90));
        var drainedAfter = run.Elapsed - stoppedAt - outage;

        var record = await run.RecordAsync([.. one.Logs.Lines, .. two.Logs.Lines], faults);
        var lost = record.LogLines.Count(l => l.Contains("Lost the lease on ", StringComparison.Ordinal));
        var turnedBack = record.LogLines.Count(l => l.Contains("The coordination store cannot be used for ", StringComparison.Ordinal));
        var warnings = record.LogLines.Count(l => l.StartsWith("Warning", StringComparison.Ordinal));
        var receives = record.LogLines.Select(l => ReceiveCount().Match(l)).Where(m => m.Success).Max(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        ChaosSettings.Report("store outage", ChaosRun.Summary(record, faults, run.Elapsed)
            + $"; dynalite down {Seconds(outage)} s after {completedBefore} completions, with 2 replicas; {completedDuring} completions during it; "
            + $"leases lost {lost}; messages turned back while it was down {turnedBack} ({warnings} warning lines in all); highest receive count {receives}; "
            + $"queue drained {Seconds(drainedAfter)} s after it was back");
        ChaosInvariants.Check(record).Should().BeEmpty();
        record.DeadLetters.Should().BeEmpty("a store outage shorter than the redrive policy's receives loses nothing");
        foreach (var replica in replicas)
        {
            OutageWarnings(replica).Should().ContainSingle("one warning when the store goes, whatever fails meanwhile")
                .Which.Should().Contain("go back to the queue");
            replica.Logs.Lines.Where(l => l.Contains("coordination_store is answering again, after ", StringComparison.Ordinal)).Should().ContainSingle();
        }
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>Pieces of work the replica started (from a message or a record).</summary>
    private static int Working(BridgeDaemon replica) =>
        replica.Logs.Lines.Count(l => l.Contains(": starting (message ", StringComparison.Ordinal) || l.Contains(": resuming from its record", StringComparison.Ordinal));

    private static List<string> OutageWarnings(BridgeDaemon replica) =>
        [.. replica.Logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("coordination_store is not answering", StringComparison.Ordinal))];

    /// <summary>A replica with the DynamoDB store on <paramref name="table"/>, working once its event stream is proven.</summary>
    private async Task<BridgeDaemon> StartAsync(ChaosRun run, string table, string name)
    {
        var overrides = ChaosSettings.InProcess();
        overrides["Queue:VisibilityTimeoutSeconds"] = ChaosSettings.VisibilityTimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        overrides["Pipeline:MaxInFlight"] = "16";
        overrides["Pipeline:LockedRetryDelay"] = "00:00:02";
        // Messages go back while the store is down, backing off from 2 s to 8 s: the outage costs each three or four of
        // the redrive policy's six receives (production's 30 s doubling to 15 min: one per 10 s outage).
        overrides["Pipeline:RetryBackoff"] = "00:00:02";
        overrides["Pipeline:MaxRetryBackoff"] = "00:00:08";
        overrides["Coordination:Store"] = "DynamoDb";
        overrides["Coordination:TableName"] = table;
        overrides["Coordination:ServiceUrl"] = Dynalite.Endpoint;
        overrides["Coordination:Region"] = DynaliteServer.Region;
        overrides["Coordination:ReplicaName"] = name;
        overrides["Coordination:LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture);
        // The daemon's own client, with fixed credentials (dynalite checks none; the machine's AWS setup must not matter).
        var replica = await run.StartDaemonAsync(overrides, services => services.Replace(ServiceDescriptor.Singleton<IAmazonDynamoDB>(_ => Dynalite.CreateClient())));
        await Eventually.UntilAsync(
            () => Task.FromResult(replica.Logs.Lines.Any(l => l.Contains("Event stream proven", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(30), () => $"{name} never proved its event stream");
        return replica;
    }

    [GeneratedRegex(@"\(message [^,]+, receive (\d+)\)")]
    private static partial Regex ReceiveCount();
}
