namespace SaltApiBridge.Simulation;

/// <summary>A lifecycle hook the simulated Auto Scaling describes.</summary>
internal sealed record SimulatedHook(string Name, string Transition, int HeartbeatTimeoutSeconds, string DefaultResult = "ABANDON");
