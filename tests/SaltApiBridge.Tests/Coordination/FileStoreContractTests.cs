using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>
/// The File store (one host): replicas share a lock directory and a record directory; each keeps its own memory of
/// finished work. A dead replica's lock is dropped by the operating system; its actions in progress stay recorded.
/// </summary>
public sealed class FileStoreContractTests : CoordinationStoreContract
{
    private readonly DirectoryInfo root = Directory.CreateTempSubdirectory("saltapibridge-contract-");

    protected override Task TearDownAsync()
    {
        root.Delete(recursive: true);
        return Task.CompletedTask;
    }

    protected override Task<StoreReplica> ReplicaAsync(string name) =>
        Task.FromResult(new StoreReplica(
            new FileLeases(Path.Combine(root.FullName, "locks")),
            new FileProvisioningRecords(Path.Combine(root.FullName, "records")),
            new LocalFinishedWork(new CompletedWork(TimeSpan.FromMinutes(30), Time))));

    protected override async Task AbandonAsync(ProvisioningRecord record)
    {
        var dead = await ReplicaAsync("dead");
        var lease = await dead.Leases.TryAcquireAsync(LeaseKey.Instance(record.MinionId), Ct);
        await dead.Records.SaveAsync(record, Ct);
        // The process dies: the operating system closes its lock file.
        await lease!.DisposeAsync();
    }
}
