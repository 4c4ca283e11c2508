namespace SaltApiBridge.Tests.Chaos;

/// <summary>The chaos scenarios run one after another: each loads both cores, and their timeouts are short.</summary>
[CollectionDefinition(Name)]
public sealed class ChaosCollection
{
    public const string Name = "chaos";
}
