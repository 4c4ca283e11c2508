namespace SaltApiBridge.Salt.Topology;

/// <summary>Hot/hot with separate pki: the key pending on every master with one fingerprint, accepted on each.</summary>
public sealed class HotRules : TopologyRules
{
    public static HotRules Instance { get; } = new();

    public override SaltTopology Topology => SaltTopology.Hot;
}
