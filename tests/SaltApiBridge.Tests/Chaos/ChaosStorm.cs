namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// The mixed storm of the crash scenarios, set up on a run: launches (every 17th with a failing highstate, ABANDON),
/// terminating hooks and terminate notifications of instances in service, each minion's state run of a duration drawn
/// between the bounds; shuffled.
/// </summary>
internal static class ChaosStorm
{
    /// <param name="first">The first instance number: launches from it, then the terminating hooks, then the notifications.</param>
    public static List<ChaosMessage> Prepare(ChaosRun run, Random random, int first, (int Launches, int Terminating, int Terminated) counts, (int Min, int Max) jobMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(random);
        var messages = new List<ChaosMessage>();
        var n = first;
        for (; n < first + counts.Launches; n++)
        {
            messages.Add(ChaosMessages.Launch(n, n % 17 == 0 ? ChaosMessages.Abandon : ChaosMessages.Continue, format: n));
            if (n % 17 == 0)
                run.Salt.FailingMinions[ChaosMessages.MinionId(n)] = true;
        }

        for (var end = n + counts.Terminating; n < end; n++)
        {
            run.Salt.SetKey(ChaosMessages.MinionId(n), "minions");
            messages.Add(ChaosMessages.Terminate(n));
        }

        for (var end = n + counts.Terminated; n < end; n++)
        {
            run.Salt.SetKey(ChaosMessages.MinionId(n), "minions");
            messages.Add(ChaosMessages.Terminated(n));
        }

        var jobs = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var minion in messages.Select(m => m.MinionId!))
            jobs[minion] = TimeSpan.FromMilliseconds(random.Next(jobMilliseconds.Min, jobMilliseconds.Max));
        run.Salt.JobDuration = minion => jobs.GetValueOrDefault(minion);
        return [.. messages.OrderBy(_ => random.Next())];
    }
}
