namespace SaltApiBridge.Salt.Topology;

/// <summary>One master: every step goes to it, as before multi-master.</summary>
public sealed class OneMasterRules : TopologyRules
{
    public static OneMasterRules Instance { get; } = new();

    public override SaltTopology Topology => SaltTopology.OneMaster;
}
