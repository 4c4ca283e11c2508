namespace SaltApiBridge.Salt.Topology;

/// <summary>
/// <c>master_type: failover</c>: the minion talks to one master at a time. Only a pending key says where it waits (an
/// accepted, rejected or denied entry elsewhere may be an older one): it is accepted there, and jobs go there.
/// </summary>
public sealed class FailoverRules : TopologyRules
{
    public static FailoverRules Instance { get; } = new();

    public override SaltTopology Topology => SaltTopology.Failover;

    public override bool KeyOnEveryMaster => false;

    public override bool JobsWhereAcceptedNow => true;

    public override IReadOnlyList<T> AcceptOn<T>(IReadOnlyList<T> holding, Func<T, bool> isPending) =>
        holding.Any(isPending) ? [.. holding.Where(isPending)] : holding;

    public override bool SplitExpected(IEnumerable<MinionKeyState> states) =>
        states.All(s => s is MinionKeyState.Accepted or MinionKeyState.Absent);

    public override string SplitReason(string others) =>
        $"failover: {others} holds the key without accepting it; a minion failing over there is unmanaged (accept it there by hand, or share pki)";
}
