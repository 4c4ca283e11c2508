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
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> KeysMisplaced)
{
    public bool Passed =>
        !TimedOut && MessagesLeft == 0 && DeadLetters == 0 && Violations.Count == 0 && StrayCalls == 0
        && Instances.All(i => i.AsExpected) && KeysMisplaced.Count == 0;
}
