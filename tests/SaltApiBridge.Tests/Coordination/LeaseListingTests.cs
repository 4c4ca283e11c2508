using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>The leases the status view lists: with the File store, those this process holds, under this replica's name.</summary>
public sealed class LeaseListingTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("saltapibridge-leases-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => directory.Delete(recursive: true);

    public static TheoryData<string> Stores => ["lock files", "process"];

    private ILeases Create(string store, string holder = "replica-a") =>
        store == "lock files" ? new FileLeases(directory.FullName, holder) : new ProcessLeases(holder);

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ListAsync_LeasesHeld_EachWithItsKindNameAndHolder(string store)
    {
        var leases = Create(store);
        await using var instance = await leases.TryAcquireAsync(LeaseKey.Instance("web-i-0123456789abcdef0"), Ct);
        await using var task = await leases.TryAcquireAsync(LeaseKey.OwedKeyWork, Ct);

        var listed = await ((ILeaseListing)leases).ListAsync(Ct);

        listed.Should().Equal(
            new LeaseInfo("instance", "web-i-0123456789abcdef0", "replica-a", null),
            new LeaseInfo("task", "owed-key-work", "replica-a", null));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ListAsync_LeaseGivenBack_NoLongerListed(string store)
    {
        var leases = Create(store);
        var held = await leases.TryAcquireAsync(LeaseKey.Instance("web-i-0123456789abcdef0"), Ct);
        await held!.DisposeAsync();

        (await ((ILeaseListing)leases).ListAsync(Ct)).Should().BeEmpty();
        (await leases.TryAcquireAsync(LeaseKey.Instance("web-i-0123456789abcdef0"), Ct)).Should().NotBeNull("given back, it can be taken again");
    }

    [Fact]
    public async Task ListAsync_LockHeldByAnotherProcess_NotListedAndNotTaken()
    {
        await using var other = await new FileLeases(directory.FullName, "replica-b").TryAcquireAsync(LeaseKey.Instance("web-i-0123456789abcdef0"), Ct);
        var mine = new FileLeases(directory.FullName, "replica-a");

        (await mine.TryAcquireAsync(LeaseKey.Instance("web-i-0123456789abcdef0"), Ct)).Should().BeNull();
        (await mine.ListAsync(Ct)).Should().BeEmpty("a lock file shows only to its holder");
    }

    [Fact]
    public async Task AddCoordination_FileStore_ListsUnderTheReplicaName()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Coordination:ReplicaName"] = "replica-c",
            ["Pipeline:LockDirectory"] = directory.FullName,
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddFleetReconcile(configuration).BuildServiceProvider();
        await using var held = await services.GetRequiredService<ILeases>().TryAcquireAsync(LeaseKey.Reconcile, Ct);

        (await services.GetRequiredService<ILeaseListing>().ListAsync(Ct)).Should().Equal(new LeaseInfo("task", "reconcile", "replica-c", null));
    }
}
