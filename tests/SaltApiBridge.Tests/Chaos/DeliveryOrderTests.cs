using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// SQS delivers at least once and in no promised order; Auto Scaling (or an operator) may complete an action before or
/// while the bridge works on it. The daemon must still complete each action once, with the right result, and do each
/// instance's work once.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class DeliveryOrderTests(FauxqsServer fauxqs)
{
    [Fact]
    public async Task Run_DuplicatesOutOfOrderAndActionsCompletedElsewhere_EveryInvariantHolds()
    {
        await using var run = new ChaosRun(fauxqs, "order");
        await run.CreateQueuesAsync(ChaosSettings.MaxReceiveCount, ChaosSettings.VisibilityTimeoutSeconds);
        var faults = new SaltFaultInjector(run.Salt, seed: 7, rate: 0, ChaosSettings.Stall);
        run.Salt.JobDuration = minion => minion.EndsWith("7c", StringComparison.Ordinal) || minion.EndsWith("7d", StringComparison.Ordinal)
            ? TimeSpan.FromSeconds(6)
            : TimeSpan.FromMilliseconds(300);

        // Completed elsewhere while its highstate runs: the heartbeat learns the action is gone.
        var midWork = new[] { ChaosMessages.Launch(124), ChaosMessages.Launch(125) };
        var completing = new List<Task>();
        run.Salt.Called += call =>
        {
            if (call.What == "local_async state.highstate" && midWork.FirstOrDefault(m => m.MinionId == call.MinionId) is { } message)
            {
                lock (completing)
                    completing.Add(run.CompleteElsewhereAsync(message, ChaosMessages.Continue));
            }
        };

        // Completed elsewhere before the daemon sees it (the hook timed out, an operator stepped in).
        var before = new[] { ChaosMessages.Launch(120), ChaosMessages.Launch(121), ChaosMessages.Terminate(122), ChaosMessages.Terminate(123) };
        await run.CompleteElsewhereAsync(before[0], ChaosMessages.Abandon);
        await run.CompleteElsewhereAsync(before[1], ChaosMessages.Continue);
        await run.CompleteElsewhereAsync(before[2], ChaosMessages.Continue);
        await run.CompleteElsewhereAsync(before[3], ChaosMessages.Abandon);

        var overrides = ChaosSettings.InProcess();
        overrides["AutoScaling:HeartbeatInterval"] = "00:00:05";
        await using var daemon = await run.StartDaemonAsync(overrides);

        // Out of order: each instance's terminating hook or terminate notification comes before its launch.
        var late = new List<ChaosMessage>();
        var early = new List<ChaosMessage>();
        for (var n = 110; n < 115; n++)
        {
            early.Add(ChaosMessages.Terminate(n));
            late.Add(ChaosMessages.Launch(n));
        }

        for (var n = 115; n < 117; n++)
        {
            early.Add(ChaosMessages.Terminated(n));
            late.Add(ChaosMessages.Launch(n));
        }

        // Duplicates: every launch of 100–109 twice, 100–102 a third time through another format (same token).
        var duplicated = Enumerable.Range(100, 10).Select(n => ChaosMessages.Launch(n, format: n)).ToList();
        await run.SendAsync([.. early, .. duplicated, .. before]);
        await run.SendAsync([.. duplicated.AsEnumerable().Reverse(), .. late, .. midWork, .. Enumerable.Range(100, 3).Select(n => ChaosMessages.Launch(n, format: n + 1))]);
        await run.SendAsync([ChaosMessages.Terminated(115), .. midWork]);
        await run.UntilDrainedAsync(TimeSpan.FromSeconds(60));
        Task[] pending;
        lock (completing)
            pending = [.. completing];
        await Task.WhenAll(pending);

        var record = await run.RecordAsync(daemon.Logs.Lines, faults);
        // Not an invariant, measured for docs/reliability.md: a terminate notification handled before its launch
        // leaves the key the launch then accepts (116; 115's second notification removes it).
        var stale = Enumerable.Range(115, 2).Select(ChaosMessages.MinionId).Where(m => run.Salt.KeyOf(m) == "minions").ToList();
        ChaosSettings.Report("duplicates, out of order, completed elsewhere", ChaosRun.Summary(record, faults, run.Elapsed)
            + $"; keys left accepted after the instance's terminate notification: {stale.Count} ({string.Join(", ", stale)})");
        ChaosInvariants.Check(record).Should().BeEmpty();
        record.DeadLetters.Should().BeEmpty("nothing here fails for good");
        foreach (var n in Enumerable.Range(100, 10).Concat(Enumerable.Range(110, 7)))
            run.Salt.CallsFor(ChaosMessages.MinionId(n)).Count(c => c == "local_async state.highstate").Should().Be(1, $"{ChaosMessages.InstanceId(n)} is launched once, however often its launch arrives");
        run.AutoScaling.Calls.Where(c => c.Signed && c.Action == "CompleteLifecycleAction" && midWork.Any(m => m.Token == c.Token))
            .Should().BeEmpty("the heartbeat found those actions gone, so the daemon had nothing left to complete");
    }
}
