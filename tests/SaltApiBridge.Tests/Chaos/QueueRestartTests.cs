using System.Globalization;
using System.Text.RegularExpressions;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// The SQS emulator goes away while every message of a first wave is being worked on, and comes back empty (fauxqs keeps
/// state in memory only; real SQS would keep the messages). What the bridge controls must hold: it keeps polling with
/// backoff, finishes and completes the work it had received, deletes nothing before it is done, and processes what
/// arrives after the restart.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed partial class QueueRestartTests
{
    private static readonly TimeSpan FirstWaveJob = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Run_EmulatorRestartedMidRun_KeepsPollingFinishesReceivedWorkAndRecovers()
    {
        var queueName = ChaosRun.NewQueueName("restart");
        await using var fauxqs = await FauxqsServer.StartDedicatedAsync(
            LoopbackPort.Free(), ChaosRun.QueueDefinitions(queueName, ChaosSettings.MaxReceiveCount, ChaosSettings.VisibilityTimeoutSeconds));
        await using var run = new ChaosRun(fauxqs, "restart", queueName);
        await run.CreateQueuesAsync(ChaosSettings.MaxReceiveCount, ChaosSettings.VisibilityTimeoutSeconds);
        var faults = new SaltFaultInjector(run.Salt, seed: 3, rate: 0, ChaosSettings.Stall);
        await using var daemon = await run.StartDaemonAsync();

        // First wave: 16 launches, all received and their highstates running when the emulator stops.
        var firstWave = Enumerable.Range(300, 16).Select(n => ChaosMessages.Launch(n, format: n)).ToList();
        var slow = firstWave.Select(m => m.MinionId).ToHashSet();
        run.Salt.JobDuration = minion => slow.Contains(minion) ? FirstWaveJob : TimeSpan.Zero;
        await run.SendAsync(firstWave);
        await Eventually.UntilAsync(
            () => Task.FromResult(run.Salt.Calls.Count(c => c.What == "local_async state.highstate") == firstWave.Count),
            TimeSpan.FromSeconds(20), () => "the first wave's highstates never all started");
        await fauxqs.StopAsync();
        var stopped = DateTime.UtcNow;

        // The work goes on without SQS: every received action is completed while the emulator is away.
        await Eventually.UntilAsync(
            () => Task.FromResult(run.AutoScaling.Completions.Count == firstWave.Count),
            TimeSpan.FromSeconds(20), () => $"{run.AutoScaling.Completions.Count} of {firstWave.Count} completions during the outage");
        await Eventually.UntilAsync(
            () => Task.FromResult(ReceiveFailures(daemon.Logs.Lines).Count >= 2),
            TimeSpan.FromSeconds(20), () => "the daemon never reported failing receives");
        await fauxqs.StartAgainAsync();
        var outage = DateTime.UtcNow - stopped;

        // Second wave, after the restart: 10 launches and a key deletion.
        var secondWave = Enumerable.Range(400, 10).Select(n => ChaosMessages.Launch(n)).Append(ChaosMessages.Terminated(410)).ToList();
        run.Salt.SetKey(ChaosMessages.MinionId(410), "minions");
        await run.SendAsync(secondWave);
        await run.UntilDrainedAsync(TimeSpan.FromSeconds(40));
        await Eventually.UntilAsync(
            () => Task.FromResult(run.AutoScaling.Completions.Count == firstWave.Count + secondWave.Count - 1),
            TimeSpan.FromSeconds(20), () => "the second wave was not completed");

        var record = await run.RecordAsync(daemon.Logs.Lines, faults);
        var failures = ReceiveFailures(record.LogLines);
        ChaosSettings.Report("emulator restart", ChaosRun.Summary(record, faults, run.Elapsed)
            + $"; outage {outage.TotalSeconds:F1} s, failed receives {failures.Count} (backoff {string.Join(", ", failures.Select(d => d.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)))} s)");
        ChaosInvariants.Check(record).Should().BeEmpty();
        record.DeadLetters.Should().BeEmpty("nothing here fails for good");
        failures.Should().OnlyContain(delay => delay >= TimeSpan.FromSeconds(0.5), "a failed receive waits at least half the first backoff");
        failures.Count.Should().BeLessThan(4 * 2 * (int)Math.Ceiling(outage.TotalSeconds + 1), "two pollers back off instead of spinning");
        // The operator's view: one warning when SQS stops answering, one line when it answers again.
        record.LogLines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("sqs is not answering", StringComparison.Ordinal)).Should().ContainSingle();
        record.LogLines.Where(l => l.Contains("sqs is answering again, after", StringComparison.Ordinal)).Should().ContainSingle();
        // Finished work is still acknowledged: the SDK's own retries (or a later batch) carry the deletes over the outage.
        run.Timeline.Deletes.Select(d => d.Value).Should().Contain(run.Sent.Take(firstWave.Count).Select(s => s.MessageId));
    }

    private static List<TimeSpan> ReceiveFailures(IReadOnlyList<string> lines) =>
        [.. lines.Select(l => ReceiveFailed().Match(l)).Where(m => m.Success).Select(m => TimeSpan.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"Receiving from SQS failed \(.*\); polling again in (\d\d:\d\d:\d\d(?:\.\d+)?)")]
    private static partial Regex ReceiveFailed();
}
