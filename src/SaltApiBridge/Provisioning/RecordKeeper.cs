using Microsoft.Extensions.Logging;
using SaltApiBridge.Coordination;
using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Provisioning;

/// <summary>
/// The provisioning records as the work uses them. One host's disk is tolerated: a record that cannot be read is no
/// record (the work starts over, as without a record directory), and one that cannot be written costs a restart its
/// resume, not the instance its provisioning (logged, counted). What is not tolerated ends the work, so the message
/// comes back and the work is decided again: another replica's write since this one read (<see cref="RecordConflictException"/>)
/// and a coordination store that cannot be reached (<see cref="CoordinationStoreException"/>: a step that must be
/// recorded first is then not taken).
/// </summary>
internal sealed class RecordKeeper(IProvisioningRecords records, BridgeMetrics metrics, ILogger<RecordKeeper> logger)
{
    public bool IsDurable => records.IsDurable;

    public async Task<ProvisioningRecord?> ReadAsync(string minionId, CancellationToken cancellationToken)
    {
        try
        {
            return await records.GetAsync(minionId, cancellationToken);
        }
        catch (Exception e) when (IsLocalDiskFailure(e))
        {
            Failed(minionId, e);
            return null;
        }
    }

    /// <summary>Saves <paramref name="record"/> as the work's record (kept in memory if the disk refuses it).</summary>
    public async Task SaveAsync(InstanceWork work, ProvisioningRecord record, CancellationToken cancellationToken) =>
        work.Record = await TrySaveAsync(record, cancellationToken) ?? record;

    /// <summary>The record as saved, or null when the disk refused it (logged and counted).</summary>
    public async Task<ProvisioningRecord?> TrySaveAsync(ProvisioningRecord record, CancellationToken cancellationToken)
    {
        try
        {
            return await records.SaveAsync(record, cancellationToken);
        }
        catch (Exception e) when (IsLocalDiskFailure(e))
        {
            Failed(record.MinionId, e);
            return null;
        }
    }

    public async Task RemoveAsync(string minionId, CancellationToken cancellationToken)
    {
        try
        {
            await records.RemoveAsync(minionId, cancellationToken);
        }
        catch (Exception e) when (IsLocalDiskFailure(e))
        {
            Failed(minionId, e);
        }
    }

    private static bool IsLocalDiskFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    private void Failed(string minionId, Exception e)
    {
        metrics.Error("record");
        ProvisioningLog.RecordFailed(logger, minionId, e.Message);
    }
}
