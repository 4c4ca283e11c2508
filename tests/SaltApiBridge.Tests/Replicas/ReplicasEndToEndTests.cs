using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Replicas;

/// <summary>
/// Two replicas of the published daemon, each next to one master of a hot/hot pair, sharing one queue and one
/// coordination table (issue 23): every lifecycle action completed once and one highstate per launch, whoever gets the
/// message and however often; and when one replica dies mid-storm, the other finishes its actions from their records
/// within the lease, not the queue's visibility timeout.
/// </summary>
[Collection(nameof(NativeAotCollection))]
public sealed class ReplicasEndToEndTests(FauxqsServer fauxqs, DynaliteServer dynalite, NativeAotBuild build)
{
    private const int Launches = 20;

    [Fact]
    public async Task Run_TwoReplicasEveryMessageTwice_EveryActionCompletedOnceWithOneHighstateEach()
    {
        await using var pair = new ReplicaPair(fauxqs, dynalite, build.Executable);
        foreach (var master in pair.Masters.Masters)
            master.JobDuration = _ => TimeSpan.FromMilliseconds(500);
        await pair.StartAsync(visibilityTimeoutSeconds: 30);

        await pair.SendLaunchesAsync(Enumerable.Range(1, Launches), copies: 2);
        await pair.UntilCompletedAsync(Launches, TimeSpan.FromSeconds(90));
        await pair.UntilQueueEmptyAsync(TimeSpan.FromSeconds(60));

        pair.Completions.GroupBy(c => c.Call.ActionToken).Should().HaveCount(Launches)
            .And.OnlyContain(g => g.Count() == 1, "a duplicate, on either replica, is known as finished or waits for the lease");
        pair.Completions.Should().OnlyContain(c => c.Call.Result == "CONTINUE");
        foreach (var n in Enumerable.Range(1, Launches))
        {
            pair.Masters.Minions.StateRunsStarted(ReplicaPair.MinionId(n), "state.highstate").Should().Be(1, ReplicaPair.MinionId(n));
            pair.Masters.Masters.Should().OnlyContain(m => m.KeyOf(ReplicaPair.MinionId(n)) == "minions", "accepted on both masters");
        }

        pair.Daemons.Should().OnlyContain(d => d.Output.Contains(": starting (message ", StringComparison.Ordinal), "both replicas took work");
    }

    [Fact]
    public async Task Run_OneReplicaKilledMidStorm_TheOtherFinishesItsActionsWithinTheLeaseAndTheQueueDrains()
    {
        await using var pair = new ReplicaPair(fauxqs, dynalite, build.Executable);
        foreach (var master in pair.Masters.Masters)
            master.JobDuration = _ => TimeSpan.FromSeconds(4);
        // Longer than the lease and the margin: what the survivor finishes in time, it finishes from the records.
        await pair.StartAsync(visibilityTimeoutSeconds: 45);
        var (dead, survivor) = (pair.Daemons[0], pair.Daemons[1]);

        await pair.SendLaunchesAsync(Enumerable.Range(101, Launches), copies: 1);
        await Eventually.UntilAsync(
            () => Task.FromResult(Started(dead).Count >= 3 && pair.Completions.Count >= 2), TimeSpan.FromSeconds(60), () => "the storm never got going:\n" + dead.Output);
        await dead.KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        var inProgress = Started(dead).Where(i => !Completed(pair).Contains(i)).ToList();

        await pair.UntilCompletedAsync(Launches, TimeSpan.FromSeconds(120));
        await pair.UntilQueueEmptyAsync(TimeSpan.FromSeconds(90));

        inProgress.Should().NotBeEmpty("the kill must catch work in progress");
        var deadline = killedAt + pair.LeaseDuration + TimeSpan.FromSeconds(15);
        foreach (var instance in inProgress)
        {
            var completion = pair.Completions.Where(c => pair.InstanceOf(c.Call) == instance).Should().ContainSingle().Subject;
            completion.At.Should().BeBefore(deadline, $"{instance} was in progress on the killed replica; the survivor takes it over once the lease runs out");
        }

        survivor.Output.Should().Contain("resuming from its record");
        pair.Completions.GroupBy(c => c.Call.ActionToken).Should().HaveCount(Launches).And.OnlyContain(g => g.Count() == 1);
        pair.Completions.Should().OnlyContain(c => c.Call.Result == "CONTINUE");
        foreach (var n in Enumerable.Range(101, Launches))
        {
            pair.Masters.Minions.StateRunsStarted(ReplicaPair.MinionId(n), "state.highstate").Should().Be(1, ReplicaPair.MinionId(n));
            pair.Masters.Masters.Should().OnlyContain(m => m.KeyOf(ReplicaPair.MinionId(n)) == "minions");
        }
    }

    /// <summary>Instances the replica took on: its "starting" lines.</summary>
    private static List<string> Started(SaltApiBridge.Simulation.Local.DaemonProcess daemon) =>
        [.. daemon.Output.Split('\n')
            .Where(l => l.Contains(": starting (message ", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, "Launching (i-[0-9a-f]{17})").Groups[1].Value)
            .Where(i => i.Length > 0)
            .Distinct()];

    private static HashSet<string> Completed(ReplicaPair pair) => [.. pair.Completions.Select(c => pair.InstanceOf(c.Call)).OfType<string>()];
}
