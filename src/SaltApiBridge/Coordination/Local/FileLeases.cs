namespace SaltApiBridge.Coordination.Local;

/// <summary>
/// An exclusive lock file per lease in a directory shared by the replicas on one master host
/// (<c>Pipeline:LockDirectory</c>). The operating system drops the lock when its holder dies, so a crash never leaves
/// it stuck, and it cannot be lost while held. Replicas on different hosts are not coordinated by this (the DynamoDB
/// store is). Lock files are left in place (deleting one could race with another process opening it); they are
/// empty, and a runtime directory is cleared at boot.
/// </summary>
public sealed class FileLeases(string directory) : ILeases
{
    public Task<ILease?> TryAcquireAsync(LeaseKey key, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        // Names are validated (no path characters); a task's name carries a '~', which no minion id has.
        var file = key.Kind == LeaseKind.Instance ? key.Name + ".lock" : "~" + key.Name + ".lock";
        try
        {
            var held = new FileStream(Path.Combine(directory, file), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            return Task.FromResult<ILease?>(new HeldLease(key, held));
        }
        catch (IOException)
        {
            return Task.FromResult<ILease?>(null);
        }
    }
}
