namespace SaltApiBridge.Salt.Topology;

/// <summary>
/// What a topology (<see cref="SaltTopology"/>) means for the bridge, in one place: where a launch's key must be and
/// where it is accepted (the accept gate), and which keys are in order (reconcile). One sealed class per topology.
/// </summary>
public abstract class TopologyRules
{
    public abstract SaltTopology Topology { get; }

    /// <summary>
    /// The minion talks to every master, so its key must be accepted on each (one master, hot, shared pki); otherwise
    /// it talks to one at a time and its key belongs where it connected (failover).
    /// </summary>
    public virtual bool KeyOnEveryMaster => true;

    /// <summary>After an accept on one master, every other must be seen to hold the key accepted (the masters share it).</summary>
    public virtual bool ConfirmOnOthers => false;

    /// <summary>Jobs go through a master whose pending key the gate accepted just now: the minion is connected there.</summary>
    public virtual bool JobsWhereAcceptedNow => false;

    public static TopologyRules For(SaltTopology topology) => topology switch
    {
        SaltTopology.OneMaster => OneMasterRules.Instance,
        SaltTopology.Hot => HotRules.Instance,
        SaltTopology.SharedPki => SharedPkiRules.Instance,
        SaltTopology.Failover => FailoverRules.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(topology), topology, "unknown topology"),
    };

    /// <summary>The masters, of those holding the key (in configuration order), that the gate accepts it on.</summary>
    public virtual IReadOnlyList<T> AcceptOn<T>(IReadOnlyList<T> holding, Func<T, bool> isPending) => holding;

    /// <summary>A key accepted on some masters and absent on the others is what this topology expects.</summary>
    public virtual bool SplitExpected(IEnumerable<MinionKeyState> states) => false;

    /// <summary>What a key accepted on some masters but not on <paramref name="others"/> means here, and what to do.</summary>
    public virtual string SplitReason(string others) =>
        $"key not accepted on {others}: it cannot reach the minion; accept or delete the key there by hand (the bridge accepts only at launch)";
}
