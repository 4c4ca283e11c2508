namespace SaltApiBridge.Pipeline;

/// <summary>A single process needs no cross-process lock: ordering within it is the serializer's job.</summary>
public sealed class NoInstanceLock : IInstanceLock
{
    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }

    private static readonly Nothing Held = new();

    public IDisposable? TryAcquire(string minionId) => Held;
}
