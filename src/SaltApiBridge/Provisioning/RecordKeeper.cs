using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
internal sealed class RecordKeeper(
    IProvisioningRecords records, IOptions<CoordinationOptions> coordination, TimeProvider timeProvider, BridgeMetrics metrics, ILogger<RecordKeeper> logger)
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

    /// <summary>
    /// Marks the work's lifecycle action as in progress on this replica (kept until it is finished), so that another
    /// replica, or this host after a restart, can resume it without its message. Written only when it changes.
    /// </summary>
    public async Task TakeOnAsync(InstanceWork work, ProvisioningRecord record, CancellationToken cancellationToken)
    {
        var replica = coordination.Value.EffectiveReplicaName;
        var current = record.InProgress;
        if (current is not null && current.Kind == work.Kind && current.ActionKey == work.ActionKey && current.Replica == replica)
        {
            work.Record = record;
            return;
        }

        var since = current?.Kind == work.Kind && current.ActionKey == work.ActionKey ? current.Since : timeProvider.GetUtcNow();
        var lifecycleEvent = work.Plan.Event;
        await SaveAsync(work, record with
        {
            InProgress = new ActionInProgress(
                work.Kind, lifecycleEvent.LifecycleHookName ?? "", work.ActionKey, since, lifecycleEvent.Destination,
                lifecycleEvent.Time ?? current?.EventTime, replica),
        }, cancellationToken);
    }

    /// <summary>The work's lifecycle action is finished: nothing left to resume.</summary>
    public async Task FinishAsync(InstanceWork work, CancellationToken cancellationToken)
    {
        if (work.Record is { InProgress: not null } record)
            await SaveAsync(work, record with { InProgress = null }, cancellationToken);
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
