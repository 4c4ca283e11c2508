namespace SaltApiBridge.Simulation;

/// <summary>One Query API call as the simulated Auto Scaling endpoint received it.</summary>
internal sealed record AutoScalingCall(
    string Action, string Group, string Hook, string? InstanceId, string? Token, string? Result, bool Signed);
