namespace SaltApiBridge.Simulation;

/// <summary>One Query API call as the simulated Auto Scaling endpoint received it.</summary>
/// <param name="ActionToken">
/// The token of the lifecycle action the call acted on: the one it gave, or — for a call by instance id, as a takeover
/// makes — the instance's latest action not yet completed under that hook, else its latest under that hook (answered
/// "No active Lifecycle Action found"); null when the simulator knows none.
/// </param>
/// <param name="Refused">A completion or heartbeat answered "No active Lifecycle Action found": its action was completed before.</param>
internal sealed record AutoScalingCall(
    string Action, string Group, string Hook, string? InstanceId, string? Token, string? Result, bool Signed, string? ActionToken = null, bool Refused = false);
