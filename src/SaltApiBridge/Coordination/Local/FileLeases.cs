namespace SaltApiBridge.Coordination.Local;

/// <summary>
/// An exclusive lock file per lease in a directory shared by the replicas on one master host
/// (<c>Pipeline:LockDirectory</c>). The operating system drops the lock when its holder dies, so a crash never leaves
/// it stuck, and it cannot be lost while held. Replicas on different hosts are not coordinated by this (the DynamoDB
/// store is). Lock files are left in place (deleting one could race with another process opening it); they are
/// empty, and a runtime directory is cleared at boot. Only the leases of this process can be listed: another
/// process's lock shows only as a file that cannot be opened.
/// </summary>
/// <param name="holder">This replica's name, as the status view lists its leases.</param>
public sealed class FileLeases(string directory, string? holder = null) : ILeases, ILeaseListing
{
    private readonly HeldKeys held = new(holder ?? Environment.MachineName);

    public Task<ILease?> TryAcquireAsync(LeaseKey key, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        // Names are validated (no path characters); a task's name carries a '~', which no minion id has.
        var file = key.Kind == LeaseKind.Instance ? key.Name + ".lock" : "~" + key.Name + ".lock";
        if (!held.TryAdd(key))
            return Task.FromResult<ILease?>(null);
        try
        {
            var locked = new FileStream(Path.Combine(directory, file), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            return Task.FromResult<ILease?>(new HeldLease(key, held.Release(key, locked)));
        }
        catch (IOException)
        {
            held.Remove(key);
            return Task.FromResult<ILease?>(null);
        }
        catch
        {
            // An unusable directory: not this lease's holder, and not stuck as held either.
            held.Remove(key);
            throw;
        }
    }

    public Task<IReadOnlyList<LeaseInfo>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(held.List());
}
