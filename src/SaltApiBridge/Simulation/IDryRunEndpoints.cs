using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Simulation;

/// <summary>
/// Where <c>replay --dry-run</c> sends its calls. An interface so the Native AOT build, which never constructs the
/// simulators, compiles none of their code (a direct call would keep it reachable).
/// </summary>
internal interface IDryRunEndpoints : IAsyncDisposable
{
    string SaltApiUrl { get; }

    string AutoScalingUrl { get; }

    /// <summary>Sets up what a healthy master and AWS would hold for this plan (the minion's key, the launching instance).</summary>
    void Prepare(ActionPlan plan);
}
