namespace SaltApiBridge.Simulation;

/// <summary>
/// A job the simulated master published: done at <see cref="DoneAt"/>, failing or not; <see cref="RefusedFor"/> names
/// the job that was running when the minion refused this one (its result is then fixture 49's refusal).
/// </summary>
internal sealed record SimulatedJob(
    string Jid, string MinionId, string Fun, string Arguments, DateTimeOffset StartedAt, DateTimeOffset DoneAt, bool Fails,
    SimulatedJob? RefusedFor = null)
{
    /// <summary>Completed once the job's return event was published.</summary>
    public TaskCompletionSource Returned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsStateRun => Fun.StartsWith("state.", StringComparison.Ordinal);
}
