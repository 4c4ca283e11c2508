namespace SaltApiBridge.Pipeline;

/// <summary>Keeps two bridge processes from working on one instance at once.</summary>
public interface IInstanceLock
{
    /// <summary>The lock, or null when another process holds it.</summary>
    IDisposable? TryAcquire(string minionId);
}
