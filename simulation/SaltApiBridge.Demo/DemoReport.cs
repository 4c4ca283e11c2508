namespace SaltApiBridge.Demo;

/// <summary>How a demo run ended: per instance, plus the checks over the whole run.</summary>
internal sealed record DemoReport(
    IReadOnlyList<DemoInstance> Instances,
    int MessagesLeft,
    int DeadLetters,
    IReadOnlyList<string> Violations,
    int StrayCalls,
    int SaltCalls,
    TimeSpan Elapsed,
    bool TimedOut,
    IReadOnlyList<DemoLogLine> Log,
    IReadOnlyList<string> KeysMisplaced,
    DemoReplicaRun? ReplicaRun = null)
{
    public IEnumerable<string> Warnings => Log.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => l.Text);

    /// <summary>
    /// A few instances, each as the log tells it: one launched and scaled in (with replicas, one whose launch was taken
    /// over if there is one), the one whose highstate failed, a golden image; the lines naming its instance id, in order.
    /// </summary>
    public IReadOnlyList<(DemoInstance Instance, IReadOnlyList<string> Lines)> LogOfAFew()
    {
        var scaledIn = Instances.Where(i => i.ScaledIn && !i.GoldenImage && !i.Fails).ToList();
        var few = new[]
        {
            scaledIn.FirstOrDefault(i => Log.Any(l => l.Text.Contains("Taking over Launching " + i.InstanceId + " ", StringComparison.Ordinal))) ?? scaledIn.FirstOrDefault(),
            Instances.FirstOrDefault(i => i.Fails),
            Instances.FirstOrDefault(i => i.GoldenImage && !i.ScaledIn),
        };
        return [.. few.OfType<DemoInstance>().Select(i => (i, (IReadOnlyList<string>)[.. Log.Select(l => l.Text).Where(t => t.Contains(i.InstanceId, StringComparison.Ordinal))]))];
    }

    public bool Passed =>
        !TimedOut && MessagesLeft == 0 && DeadLetters == 0 && Violations.Count == 0 && StrayCalls == 0
        && Instances.All(i => i.AsExpected) && KeysMisplaced.Count == 0;
}
