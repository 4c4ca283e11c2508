namespace SaltApiBridge.Pipeline;

/// <summary>
/// An exclusive lock file per minion id in a directory shared by the replicas on one master host (the bridge runs
/// next to the Salt master). The operating system drops the lock when its holder dies, so a crash never leaves it
/// stuck. Replicas on different hosts are not coordinated by this. Lock files are left in place (deleting one
/// could race with another process opening it); they are empty, and a runtime directory is cleared at boot.
/// </summary>
public sealed class FileInstanceLock(string directory) : IInstanceLock
{
    public IDisposable? TryAcquire(string minionId)
    {
        Directory.CreateDirectory(directory);
        try
        {
            // The minion id is validated (no path characters), so it is safe as a file name.
            return new FileStream(Path.Combine(directory, minionId + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
