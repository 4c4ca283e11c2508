namespace SaltApiBridge.Salt;

/// <summary>What a launch does when a master cannot be asked at accept time (<c>SaltApi:MasterDown</c>).</summary>
public enum MasterDownPolicy
{
    /// <summary>
    /// Ask it again, up to <see cref="SaltApiOptions.MasterDownTimeout"/>; then the launch fails, and an accept already made
    /// on another master is taken back (every master or none).
    /// </summary>
    Wait,

    /// <summary>
    /// Accept on the masters that answer and go on; the missing accept is recorded, done when that master is back (with
    /// durable records) and reported by <c>reconcile</c> until then. Never without at least one master's accept.
    /// </summary>
    Proceed,
}
