namespace SaltApiBridge.Tests.Fixtures;

/// <summary>Awaits a condition over real time with a deadline, for tests that cannot drive a fake clock.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describeFailure)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(describeFailure);
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {timeout}: {describeFailure()}");
            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
    }
}
