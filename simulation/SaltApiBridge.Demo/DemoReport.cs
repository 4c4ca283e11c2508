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
    IReadOnlyList<string> KeysMisplaced)
{
    public IEnumerable<string> Warnings => Log.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => l.Text);

    /// <summary>
    /// A few instances, each as the log tells it: one launched and scaled in, the one whose highstate failed, a golden
    /// image; the lines naming its instance id, in order.
    /// </summary>
    public IReadOnlyList<(DemoInstance Instance, IReadOnlyList<string> Lines)> LogOfAFew()
    {
        var few = new[]
        {
            Instances.FirstOrDefault(i => i.ScaledIn && !i.GoldenImage && !i.Fails),
            Instances.FirstOrDefault(i => i.Fails),
            Instances.FirstOrDefault(i => i.GoldenImage && !i.ScaledIn),
        };
        return [.. few.OfType<DemoInstance>().Select(i => (i, (IReadOnlyList<string>)[.. Log.Select(l => l.Text).Where(t => t.Contains(i.InstanceId, StringComparison.Ordinal))]))];
    }

    public bool Passed =>
        !TimedOut && MessagesLeft == 0 && DeadLetters == 0 && Violations.Count == 0 && StrayCalls == 0
        && Instances.All(i => i.AsExpected) && KeysMisplaced.Count == 0;
}
