namespace SaltApiBridge.Tests.Hosting;

/// <summary>
/// Tests that listen to the container's event source at Verbose run alone: while they listen, every container in the
/// process writes its call sites, which would slow the tests running beside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ContainerEventsCollection
{
    public const string Name = "container-events";
}
