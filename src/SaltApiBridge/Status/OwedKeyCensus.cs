using SaltApiBridge.Coordination;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Status;

/// <summary>
/// The key work owed to each master, counted from the records' owed work (<see cref="IProvisioningRecords.ListOwedAsync"/>,
/// an index of the records that owe something) at most once per <see cref="CacheDuration"/>, however often the status is
/// asked. Nothing is read where nothing can be owed: one master, or records in memory (the debt then rides its message).
/// </summary>
internal sealed class OwedKeyCensus(IProvisioningRecords records, SaltMasterSet masters, TimeProvider timeProvider)
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);

    private readonly Lock gate = new();
    private Task<IReadOnlyDictionary<string, MasterDebt>>? counting;
    private DateTimeOffset countedAt;

    /// <summary>The debts by master name (every master present); null when the store cannot say now.</summary>
    public async Task<IReadOnlyDictionary<string, MasterDebt>?> CurrentAsync(CancellationToken cancellationToken)
    {
        if (masters.IsSingle || !records.IsDurable)
            return masters.Masters.ToDictionary(m => m.Name, _ => new MasterDebt(0, 0, null), StringComparer.Ordinal);
        Task<IReadOnlyDictionary<string, MasterDebt>> count;
        lock (gate)
        {
            var now = timeProvider.GetUtcNow();
            if (counting is null || counting.IsFaulted || now - countedAt >= CacheDuration)
            {
                counting = CountAsync();
                countedAt = now;
            }

            count = counting;
        }

        try
        {
            return await count.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is CoordinationStoreException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Not cancelled by the asker: the count is shared with whoever asks next.</summary>
    private async Task<IReadOnlyDictionary<string, MasterDebt>> CountAsync()
    {
        var owed = await records.ListOwedAsync(CancellationToken.None);
        return masters.Masters.ToDictionary(
            m => m.Name,
            m =>
            {
                var accepts = owed.Where(r => r.OwedAccepts?.Contains(m.Name) == true).ToList();
                var deletes = owed.Where(r => r.OwedDeletes?.Contains(m.Name) == true).ToList();
                var since = accepts.Concat(deletes).Select(r => (DateTimeOffset?)(r.OwedSince ?? r.StartedAt)).Min();
                return new MasterDebt(accepts.Count, deletes.Count, since);
            },
            StringComparer.Ordinal);
    }
}
