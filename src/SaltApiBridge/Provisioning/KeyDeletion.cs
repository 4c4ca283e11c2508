using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;
using SaltApiBridge.Telemetry;

namespace SaltApiBridge.Provisioning;

/// <summary>
/// A terminated instance: its key deleted on every master. A master that does not answer keeps the delete owed: in the
/// durable record (retried every <see cref="SaltApiOptions.MasterRetryInterval"/> until it answers) or, without durable
/// records, in the message itself (retried with it).
/// </summary>
internal sealed class KeyDeletion(
    SaltMasterSet masters,
    RecordKeeper records,
    StepAttempts attempts,
    BridgeEvents events,
    IOptions<SaltApiOptions> saltOptions,
    TimeProvider timeProvider,
    ILogger<KeyDeletion> logger)
{
    public async Task<WorkOutcome> RunAsync(InstanceWork work, CancellationToken cancellationToken)
    {
        work.Step("deleting the key");
        var deletes = await Task.WhenAll(masters.Masters.Select(async m =>
        {
            try
            {
                await ActionTrace.DeleteKeyAsync(m.Name, () => attempts.RunAsync(async () => { await m.Master.DeleteKeyAsync(work.MinionId, cancellationToken); return true; }, cancellationToken));
                return (Master: m, Error: (SaltApiException?)null);
            }
            catch (SaltApiException e)
            {
                return (Master: m, Error: (SaltApiException?)e);
            }
        }));
        var owed = deletes.Where(d => d.Error is not null).Select(d => d.Master.Name).ToList();
        var deleted = deletes.Where(d => d.Error is null).Select(d => d.Master).ToList();
        if (deleted.Count == 0)
        {
            // Deleted nowhere: the first master's failure decides the message's fate, as with one master.
            ExceptionDispatchInfo.Throw(deletes[0].Error!);
        }

        work.JobMaster = deleted[0];
        if (owed.Count == 0)
        {
            ProvisioningLog.KeyDeleted(logger, work.InstanceId, work.MinionId);
            await records.RemoveAsync(work.MinionId, cancellationToken);
            await events.FireAsync(BridgeEventTags.KeyDeleted, work, null, "deleted", cancellationToken);
            return WorkOutcome.Done("key deleted", masters.IsSingle ? $"key {work.MinionId} deleted" : $"key {work.MinionId} deleted on every master");
        }

        var onMasters = string.Join(", ", owed);
        var deletedOn = string.Join(", ", deleted.Select(d => d.Name));
        if (!records.IsDurable)
        {
            // Nowhere durable to keep the debt but the message: it comes back, and deleting again where it is gone is harmless.
            ProvisioningLog.DeleteOwed(logger, work.InstanceId, work.MinionId, onMasters, "the message is kept until they answer (no Pipeline:RecordDirectory)");
            return WorkOutcome.Retry($"key {work.MinionId} deleted on {deletedOn}; not on {onMasters}, which did not answer");
        }

        var record = await records.ReadAsync(work.MinionId, cancellationToken)
            ?? new ProvisioningRecord(work.MinionId, work.InstanceId, work.Plan.Event.AutoScalingGroupName, null, timeProvider.GetUtcNow());
        var owing = record with { OwedDeletes = owed, OwedAccepts = null, OwedSince = record.OwedSince ?? timeProvider.GetUtcNow() };
        if (await records.TrySaveAsync(owing, cancellationToken) is null)
            return WorkOutcome.Retry($"key {work.MinionId} not deleted on {onMasters}, and the owed delete could not be recorded");
        ProvisioningLog.DeleteOwed(logger, work.InstanceId, work.MinionId, onMasters, $"recorded; tried again every {saltOptions.Value.MasterRetryInterval} until they answer");
        await events.FireAsync(BridgeEventTags.KeyDeleted, work, null, "deleted; owed on " + onMasters, cancellationToken);
        return WorkOutcome.Done("key deleted", $"key {work.MinionId} deleted on {deletedOn}; owed on {onMasters} (recorded)");
    }
}
