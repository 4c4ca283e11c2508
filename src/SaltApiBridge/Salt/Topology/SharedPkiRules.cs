namespace SaltApiBridge.Salt.Topology;

/// <summary>The masters share <c>pki/master/minions*</c>: the key is accepted once and confirmed from every master.</summary>
public sealed class SharedPkiRules : TopologyRules
{
    public static SharedPkiRules Instance { get; } = new();

    public override SaltTopology Topology => SaltTopology.SharedPki;

    public override bool ConfirmOnOthers => true;

    public override IReadOnlyList<T> AcceptOn<T>(IReadOnlyList<T> holding, Func<T, bool> isPending) => [.. holding.Take(1)];

    public override string SplitReason(string others) =>
        $"key not accepted on {others}, though the masters share pki: check the shared pki/master directories as {others} sees them";
}
