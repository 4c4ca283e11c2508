namespace SaltApiBridge.Salt;

public enum StateRunStatus
{
    /// <summary>retcode 0 and every state's result true.</summary>
    Succeeded,

    /// <summary>The minion returned, and at least one state failed (or the retcode was not 0).</summary>
    Failed,

    /// <summary>The job was published but the minion did not return before the deadline.</summary>
    MinionDidNotReturn,

    /// <summary>salt-api published nothing: no accepted key matched the exact id.</summary>
    NoMatchingMinion,

    /// <summary>A job the bridge published before a restart is not in the master's job cache: its outcome cannot be known.</summary>
    JobUnknown,

    /// <summary>
    /// The minion refused to start this state run because another one is running there (the operator's, or ours under
    /// an older jid): its return is a list of "… is running as PID … with jid …" strings, retcode 1 (transcript 49).
    /// Nothing ran; not a verdict on the instance. <see cref="StateRunResult.RunningJid"/> names the run in the way.
    /// </summary>
    AnotherRunInProgress,
}
