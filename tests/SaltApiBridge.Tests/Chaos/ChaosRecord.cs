using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>Everything a run left behind, for <see cref="ChaosInvariants"/>.</summary>
/// <param name="SaltRequests">Every request salt-api received, faulted ones included.</param>
/// <param name="ExternalCompletions">Tokens the test completed itself ("elsewhere"), and with what result.</param>
/// <param name="RefusedKeys">Minions whose keys an operator rejected before the run.</param>
/// <param name="LeftInQueue">Messages still in the main queue (visible or in flight).</param>
/// <param name="Secrets">Strings that must appear in no log line.</param>
/// <param name="StateRunsStarted">Per minion: the highstates and the clean-ups (state.sls) its (simulated) minion actually started, refusals and repeated jids not counted.</param>
internal sealed record ChaosRecord(
    IReadOnlyList<SentMessage> Sent,
    ChaosTimeline Timeline,
    IReadOnlyList<string> SaltViolations,
    IReadOnlyList<RawSaltRequest> SaltRequests,
    IReadOnlyDictionary<string, string> ExternalCompletions,
    IReadOnlySet<string> RefusedKeys,
    IReadOnlyList<DeadLetter> DeadLetters,
    int LeftInQueue,
    IReadOnlyList<string> LogLines,
    IReadOnlyList<string> Secrets,
    IReadOnlyDictionary<string, (int Highstates, int Cleanups)> StateRunsStarted)
{
    /// <summary>Lifecycle actions that run states (a launch's highstate, a terminating hook's clean-up), each counted once however often its message came.</summary>
    public int StateRunActions => Sent.Where(s => s.Message.Expect == Expectation.CompleteAction).Select(s => s.Message.Token).Distinct().Count();

    public IReadOnlyList<AutoScalingCall> AutoScalingCalls => [.. Timeline.AutoScalingCalls.Select(c => c.Value)];

    public IReadOnlyList<SaltCall> SaltCalls => [.. Timeline.SaltCalls.Select(c => c.Value)];
}
