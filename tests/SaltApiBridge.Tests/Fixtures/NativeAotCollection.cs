namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// The tests of the published executable run alone: publishing it (compile and native link, a minute or two of both
/// cores when the sources changed) would otherwise slow the timing-bound tests running beside it.
/// </summary>
[CollectionDefinition(nameof(NativeAotCollection), DisableParallelization = true)]
public sealed class NativeAotCollection : ICollectionFixture<NativeAotBuild>;
