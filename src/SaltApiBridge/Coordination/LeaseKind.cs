namespace SaltApiBridge.Coordination;

public enum LeaseKind
{
    /// <summary>A lifecycle action's steps on one minion.</summary>
    Instance,

    /// <summary>A periodic task that one replica at a time runs.</summary>
    Task,
}
