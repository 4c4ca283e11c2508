namespace SaltApiBridge.Coordination.Local;

/// <summary>Finished work remembered in this process (<see cref="CompletedWork"/>): one host's store.</summary>
public sealed class LocalFinishedWork(CompletedWork completed) : IFinishedWork
{
    public Task<bool> ContainsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(completed.Contains(key));

    public Task AddAsync(string key, CancellationToken cancellationToken)
    {
        completed.Add(key);
        return Task.CompletedTask;
    }
}
