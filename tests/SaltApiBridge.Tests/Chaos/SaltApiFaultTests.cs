using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.Queue;
using SaltApiBridge.Tests.EndToEnd;
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
        await using var daemon = await BridgeDaemon.StartAsync(fauxqs, run.QueueUrl, run.Salt, run.AutoScaling, ChaosSettings.InProcess(), Record(run));

        await run.SendAsync(messages);
        await run.UntilDrainedAsync(TimeSpan.FromSeconds(60));

        var record = await run.RecordAsync(daemon.Logs.Lines, faults);
        ChaosSettings.Report("salt-api faults", ChaosRun.Summary(record, faults, run.Elapsed));
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

    private static Action<IServiceCollection> Record(ChaosRun run) =>
        services => services.Replace(ServiceDescriptor.Singleton<IMessageQueue>(sp => new RecordingMessageQueue(sp.GetRequiredService<SqsMessageQueue>(), run.Timeline)));
}
