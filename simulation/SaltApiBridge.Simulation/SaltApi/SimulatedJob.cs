namespace SaltApiBridge.Simulation;

/// <summary>
/// A job the simulated master published: done at <see cref="DoneAt"/>, failing or not; <see cref="RefusedFor"/> names
/// the job that was running when the minion refused this one (its result is then fixture 49's refusal).
/// </summary>
internal sealed record SimulatedJob(
    string Jid, string MinionId, string Fun, string Arguments, DateTimeOffset StartedAt, DateTimeOffset DoneAt, bool Fails,
    SimulatedJob? RefusedFor = null)
{
    /// <summary>
    /// The minion has returned: the master's job cache has the return from the moment its event goes out, and the minion
    /// runs no state any more. Set by the return itself, not read off the clock, so a timer that fires a little before
    /// <see cref="DoneAt"/> never leaves the job "running" after its return event was seen.
    /// </summary>
    public bool Finished { get => Volatile.Read(ref finished); set => Volatile.Write(ref finished, value); }

    private bool finished;

    /// <summary>Completed once the job's return event was published.</summary>
    public TaskCompletionSource Returned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsStateRun => Fun.StartsWith("state.", StringComparison.Ordinal);
}
