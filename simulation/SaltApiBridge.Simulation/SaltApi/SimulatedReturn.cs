namespace SaltApiBridge.Simulation;

/// <summary>A minion's return of one job, and when the simulated master put it on the event bus.</summary>
internal sealed record SimulatedReturn(string MinionId, string Jid, string Function, DateTimeOffset At);
