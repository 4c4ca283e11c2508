namespace SaltApiBridge.Tests.Pipeline;

/// <summary>The calls fakes received, in order, as short strings ("accept web-i-1", "complete i-1 Continue").</summary>
internal sealed class CallLog
{
    private readonly List<string> calls = [];

    public void Add(string call)
    {
        lock (calls)
            calls.Add(call);
    }

    public IReadOnlyList<string> All
    {
        get
        {
            lock (calls)
                return [.. calls];
        }
    }

    public IReadOnlyList<string> Matching(string part) => [.. All.Where(c => c.Contains(part, StringComparison.Ordinal))];

    /// <summary>Waits (real time, bounded) until the condition holds over the calls.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<string>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition(All))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("condition not met; calls: " + string.Join(" | ", All));
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
