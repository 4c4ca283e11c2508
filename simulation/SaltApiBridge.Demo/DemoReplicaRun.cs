namespace SaltApiBridge.Demo;

/// <summary>How the replicas of a <c>--replicas 2</c> run went: who ran next to which master, whom the demo killed, and what the others took over.</summary>
/// <param name="TakenOver">Lifecycle actions the survivor resumed from the killed replica's records (without their messages).</param>
/// <param name="RefusedCompletions">Completions sent again for actions already completed (work finished just before the kill, not yet recorded as such), which Auto Scaling refused.</param>
internal sealed record DemoReplicaRun(IReadOnlyList<(string Name, string Master)> Replicas, DemoKill? Kill, int TakenOver, int RefusedCompletions)
{
    /// <summary>One sentence for the summary.</summary>
    public string Describe(TimeSpan leaseDuration)
    {
        var who = string.Join(", ", Replicas.Select(r => $"{r.Name} next to {r.Master}"));
        var text = $"replicas: {who}, sharing the queue and one DynamoDB table (dynalite)";
        if (Kill is not { } kill)
            return text;
        var survivors = string.Join(" and ", Replicas.Select(r => r.Name).Where(n => n != kill.Replica));
        return text + $"; {kill.Replica} was killed (SIGKILL) {kill.At.TotalSeconds:F1} s into the run with {DemoView.Actions(kill.InProgress)} in progress; "
            + $"{survivors} took over {DemoView.Actions(TakenOver)} from their records once their leases ({leaseDuration.TotalSeconds:F0} s) ran out, and took the rest from the queue"
            + (RefusedCompletions == 0 ? "" : $"; Auto Scaling refused {RefusedCompletions} completion(s) sent again for actions already completed (as done)");
    }
}
