namespace SaltApiBridge.Queue;

/// <summary>
/// Slots for messages received and not yet settled. Pollers take slots before they receive, so a slow Salt master
/// slows polling instead of filling memory with messages whose visibility then runs out.
/// </summary>
public sealed class InFlightLimiter(int capacity) : IDisposable
{
    private readonly SemaphoreSlim slots = new(capacity, capacity);

    public int Capacity { get; } = capacity;

    public int InFlight => Capacity - slots.CurrentCount;

    /// <summary>Waits for at least one free slot, then takes up to <paramref name="max"/> of those free now.</summary>
    public async Task<int> AcquireAsync(int max, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken);
        var taken = 1;
        while (taken < max && slots.Wait(0, CancellationToken.None))
            taken++;
        return taken;
    }

    public void Release(int count = 1)
    {
        if (count > 0)
            slots.Release(count);
    }

    public void Dispose() => slots.Dispose();
}
