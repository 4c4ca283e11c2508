namespace SaltApiBridge.Salt;

public enum MinionKeyState
{
    /// <summary>No key with that exact name (the minion has not started yet, or the key was deleted).</summary>
    Absent,
    Pending,
    Accepted,
    Rejected,
    Denied,
}
