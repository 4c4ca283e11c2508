using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// One in five salt-api exchanges goes wrong (500 pages, timeouts with and without the master acting, bodies that
/// stall or break off, HTML instead of JSON, expired tokens, broken JSON) while launches, terminations and key
/// deletions flow through the real daemon.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class SaltApiFaultTests(FauxqsServer fauxqs)
{
    private const int Seed = 20261125;

    [Fact]
    public async Task Run_TwentyPercentOfSaltApiExchangesFail_EveryInvariantHolds()
    {
        await using var run = new ChaosRun(fauxqs, "salt-faults");
        await run.CreateQueuesAsync(ChaosSettings.MaxReceiveCount, ChaosSettings.VisibilityTimeoutSeconds);
        var faults = new SaltFaultInjector(run.Salt, Seed, rate: 0.2, ChaosSettings.Stall);
        var messages = Messages(run);
        await using var daemon = await run.StartDaemonAsync();

        await run.SendAsync(messages);
        await run.UntilDrainedAsync(TimeSpan.FromSeconds(60));

        var record = await run.RecordAsync(daemon.Logs.Lines, faults);
        ChaosSettings.Report("salt-api faults", ChaosRun.Summary(record, faults, run.Elapsed) + "; " + Observations(run, messages));
        ChaosInvariants.Check(record).Should().BeEmpty();
        faults.Injected.Keys.Should().BeEquivalentTo(Enum.GetValues<SaltFault>(), "every kind of fault must have been injected at least once");
    }

    /// <summary>30 launches (2 failing highstates, 1 key an operator rejected), 10 terminations, 8 key deletions, 2 test notifications; shuffled.</summary>
    private static List<ChaosMessage> Messages(ChaosRun run)
    {
        var messages = new List<ChaosMessage>();
        for (var n = 0; n < 30; n++)
        {
            var fails = n is 3 or 17;
            if (fails)
                run.Salt.FailingMinions[ChaosMessages.MinionId(n)] = true;
            if (n == 11)
                run.RefuseKey(ChaosMessages.MinionId(n));
            messages.Add(ChaosMessages.Launch(n, fails || n == 11 ? ChaosMessages.Abandon : ChaosMessages.Continue, format: n));
        }

        for (var n = 30; n < 40; n++)
        {
            run.Salt.SetKey(ChaosMessages.MinionId(n), "minions");
            messages.Add(ChaosMessages.Terminate(n));
        }

        for (var n = 40; n < 48; n++)
        {
            run.Salt.SetKey(ChaosMessages.MinionId(n), "minions");
            messages.Add(ChaosMessages.Terminated(n));
        }

        messages.Add(ChaosMessages.TestNotification(1));
        messages.Add(ChaosMessages.TestNotification(2));
        var random = new Random(Seed);
        return [.. messages.OrderBy(_ => random.Next())];
    }

    /// <summary>
    /// What the invariants do not cover, measured for docs/reliability.md: job starts repeated after a lost or late
    /// reply, and outcome events (best effort by design) that never reached the event bus.
    /// </summary>
    private static string Observations(ChaosRun run, List<ChaosMessage> messages)
    {
        var calls = run.Salt.Calls;
        // Without faults: one highstate per launch whose key is not refused, two for a failing one (Pipeline:StepAttempts).
        var withoutFaults = messages.Where(m => m.Launch && !run.Salt.KeyOf(m.MinionId!)!.Equals("minions_rejected", StringComparison.Ordinal))
            .Sum(m => run.Salt.FailingMinions.ContainsKey(m.MinionId!) ? 2 : 1);
        var highstates = calls.Count(c => c.What == "local_async state.highstate");
        string[] outcomes = ["provisioned", "provision_failed", "cleaned", "clean_failed", "key_deleted"];
        var withOutcome = messages.Where(m => m.MinionId is not null)
            .Count(m => calls.Any(c => c.MinionId == m.MinionId && outcomes.Any(o => c.What == "hook saltapibridge/" + o)));
        var acting = messages.Count(m => m.MinionId is not null);
        return $"highstates published {highstates} (without faults {withoutFaults}); outcome events delivered for {withOutcome} of {acting} instances";
    }
}
