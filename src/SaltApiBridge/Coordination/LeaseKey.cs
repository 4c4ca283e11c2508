using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Coordination;

/// <summary>What a lease is for: an instance (by its validated minion id) or a named task of the daemon.</summary>
public readonly record struct LeaseKey
{
    private LeaseKey(LeaseKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    public LeaseKind Kind { get; }

    /// <summary>The minion id, or the task's name: letters, digits and <c>. _ @ -</c> only (safe as a file name or key).</summary>
    public string Name { get; }

    public static LeaseKey Instance(string minionId) =>
        NameRules.CheckMinionId(minionId) is { } problem ? throw new ArgumentException(problem, nameof(minionId)) : new(LeaseKind.Instance, minionId);

    public static LeaseKey Task(string name) =>
        NameRules.CheckMinionId(name) is { } problem ? throw new ArgumentException(problem, nameof(name)) : new(LeaseKind.Task, name);

    /// <summary>The owed key work's lease: one replica at a time settles what masters are owed.</summary>
    public static LeaseKey OwedKeyWork { get; } = Task("owed-key-work");

    /// <summary>The periodic reconcile's lease: one replica at a time reconciles the fleet.</summary>
    public static LeaseKey Reconcile { get; } = Task("reconcile");

    public override string ToString() => Kind == LeaseKind.Instance ? Name : "task " + Name;
}
