using System.Collections.Concurrent;

namespace SaltApiBridge.Pipeline;

/// <summary>Records for one process's lifetime: the default when <see cref="PipelineOptions.RecordDirectory"/> is not set.</summary>
public sealed class InMemoryProvisioningRecords : IProvisioningRecords
{
    private readonly ConcurrentDictionary<string, ProvisioningRecord> records = new(StringComparer.Ordinal);

    public bool IsDurable => false;

    public Task<ProvisioningRecord?> GetAsync(string minionId, CancellationToken cancellationToken) =>
        Task.FromResult(records.GetValueOrDefault(minionId));

    public Task SaveAsync(ProvisioningRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        records[record.MinionId] = record;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string minionId, CancellationToken cancellationToken)
    {
        records.TryRemove(minionId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProvisioningRecord>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ProvisioningRecord>>([.. records.Values]);
}
