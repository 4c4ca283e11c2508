using SaltApiBridge.Salt.Topology;

namespace SaltApiBridge.Salt;

/// <summary>
/// Every master the bridge serves, in configuration order: the first is <c>SaltApi</c>'s own (the local one), then
/// <c>SaltApi:Masters</c>. With one master, every step goes to it as before multi-master.
/// </summary>
public sealed class SaltMasterSet
{
    public SaltMasterSet(IReadOnlyList<NamedSaltMaster> masters, SaltTopology topology)
    {
        ArgumentNullException.ThrowIfNull(masters);
        ArgumentOutOfRangeException.ThrowIfZero(masters.Count);
        Masters = masters;
        Topology = masters.Count == 1 ? SaltTopology.OneMaster : topology;
        Rules = TopologyRules.For(Topology);
    }

    public IReadOnlyList<NamedSaltMaster> Masters { get; }

    public SaltTopology Topology { get; }

    /// <summary>What <see cref="Topology"/> means for the gate and for reconcile.</summary>
    public TopologyRules Rules { get; }

    /// <summary>The first configured master: the bridge's own host.</summary>
    public NamedSaltMaster Primary => Masters[0];

    public bool IsSingle => Masters.Count == 1;

    /// <summary>The master of that name; null for an unknown or missing one (a record written under another configuration).</summary>
    public NamedSaltMaster? Find(string? name) => name is null ? null : Masters.FirstOrDefault(m => m.Name == name);

    public static SaltMasterSet Of(ISaltMaster master, string name = SaltApiOptions.DefaultMasterName) =>
        new([new NamedSaltMaster(name, master)], SaltTopology.OneMaster);
}
