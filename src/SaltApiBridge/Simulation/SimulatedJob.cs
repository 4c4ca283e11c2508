namespace SaltApiBridge.Simulation;

/// <summary>A state run the simulated master published: done at <see cref="DoneAt"/>, failing or not.</summary>
internal sealed record SimulatedJob(string MinionId, string Fun, string Arguments, DateTimeOffset DoneAt, bool Fails);
