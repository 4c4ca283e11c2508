namespace SaltApiBridge.Simulation;

/// <summary>One call the simulated salt-api answered: when, for which minion (null for login/logout), and what.</summary>
internal sealed record SaltCall(DateTimeOffset At, string? MinionId, string What);
