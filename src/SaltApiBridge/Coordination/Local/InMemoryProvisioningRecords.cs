using System.Collections.Concurrent;

namespace SaltApiBridge.Coordination.Local;

/// <summary>Records for one process's lifetime: the default when <c>Pipeline:RecordDirectory</c> is not set.</summary>
public sealed class InMemoryProvisioningRecords : IProvisioningRecords
{
    private readonly ConcurrentDictionary<string, ProvisioningRecord> records = new(StringComparer.Ordinal);

    public bool IsDurable => false;

    public Task<ProvisioningRecord?> GetAsync(string minionId, CancellationToken cancellationToken) =>
        Task.FromResult(records.GetValueOrDefault(minionId));

    public Task<ProvisioningRecord> SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var saved = record with { Version = record.Version + 1 };
        var written = record.Version == 0
            ? records.TryAdd(record.MinionId, saved)
            : records.TryGetValue(record.MinionId, out var stored) && stored.Version == record.Version && records.TryUpdate(record.MinionId, saved, stored);
        return written ? Task.FromResult(saved) : throw new RecordConflictException(record.MinionId, record.Version);
    }

    public Task RemoveAsync(string minionId, CancellationToken cancellationToken)
    {
        records.TryRemove(minionId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProvisioningRecord>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProvisioningRecord>>([.. records.Values]);

    /// <summary>Nothing outlives the process: no action in progress is ever unattended here.</summary>
    public Task<IReadOnlyList<ProvisioningRecord>> ListUnattendedAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProvisioningRecord>>([]);

    public Task<IReadOnlyList<ProvisioningRecord>> ListOwedAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProvisioningRecord>>([.. records.Values.Where(r => r.HasOwedWork)]);
}
