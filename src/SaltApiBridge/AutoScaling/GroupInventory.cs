namespace SaltApiBridge.AutoScaling;

/// <summary>The live instances of the groups asked for; <see cref="Groups"/> names the groups AWS returned.</summary>
public sealed record GroupInventory(IReadOnlyCollection<string> Groups, IReadOnlyList<AutoScalingInstance> Instances);
