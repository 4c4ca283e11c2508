using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning.OwedKeys;

/// <summary>
/// Settles what masters that did not answer are owed, from the durable records, every
/// <see cref="SaltApiOptions.MasterRetryInterval"/> until each answers: a terminated instance's key delete (its record
/// goes once every master deleted it), and a launch's accept left owed under <see cref="MasterDownPolicy.Proceed"/>
/// (only once that launch is finished, and only a pending key with the fingerprint the other masters accepted; anything
/// else is dropped, logged, and left to reconcile). Runs only with several masters and durable records, on one replica
/// at a time (the task lease <see cref="LeaseKey.OwedKeyWork"/>); what one replica recorded another settles. A record is
/// settled only under its instance's lease (skipped while the pipeline or another replica works on it), and written
/// conditionally on the version read, so neither overwrites what the other just wrote.
/// <c>saltapibridge_owed_key_work_oldest_age_seconds</c> is the age of the oldest debt the last pass found here.
/// </summary>
internal sealed class OwedKeyWork : BackgroundService
{
    private readonly SaltMasterSet masters;
    private readonly IProvisioningRecords records;
    private readonly ILeases leases;
    private readonly IOptions<SaltApiOptions> options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger<OwedKeyWork> logger;
    private DateTimeOffset? oldestOwed;

    public OwedKeyWork(
        SaltMasterSet masters,
        IProvisioningRecords records,
        ILeases leases,
        IOptions<SaltApiOptions> options,
        TimeProvider timeProvider,
        ILogger<OwedKeyWork> logger,
        IMeterFactory? meterFactory = null)
    {
        this.masters = masters;
        this.records = records;
        this.leases = leases;
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger;
        BridgeMeter.Create(meterFactory).CreateObservableGauge(
            "owed_key_work_oldest_age_seconds",
            () => oldestOwed is { } since ? Math.Max(0, (timeProvider.GetUtcNow() - since).TotalSeconds) : 0,
            unit: "s",
            description: "Age of the oldest key accept or delete owed to a master that did not answer (0 when none)");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (masters.IsSingle || !records.IsDurable)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.MasterRetryInterval, timeProvider, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A background service that throws stops the daemon: an unreadable record directory must not.
                ProvisioningLog.RecordFailed(logger, "(record directory)", e.Message);
            }
        }
    }

    /// <summary>One pass over the records: every owed delete and accept tried once, unless another replica runs its pass.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var task = await leases.TryAcquireAsync(LeaseKey.OwedKeyWork, cancellationToken);
        if (task is null)
        {
            // Another replica settles them now, and reports their age.
            oldestOwed = null;
            return;
        }

        var owed = await records.ListOwedAsync(cancellationToken);
        oldestOwed = owed.Count == 0 ? null : owed.Min(r => r.OwedSince ?? r.StartedAt);
        foreach (var listed in owed)
        {
            if (task.Lost.IsCancellationRequested)
                return;
            if (listed is not ({ OwedDeletes.Count: > 0 } or { OwedAccepts.Count: > 0, ProvisionedAt: not null, KeyFingerprint: not null }))
                continue;
            await using var held = await leases.TryAcquireAsync(LeaseKey.Instance(listed.MinionId), cancellationToken);
            if (held is null)
                continue;
            try
            {
                // Read again under the lock: the pipeline may have written it since the listing.
                var record = await records.GetAsync(listed.MinionId, cancellationToken);
                if (record?.OwedDeletes is { Count: > 0 } deletes)
                    await SettleAsync(record, deletes, "delete", (m, ct) => DeleteAsync(m, record.MinionId, ct), cancellationToken);
                else if (record is { OwedAccepts.Count: > 0, ProvisionedAt: not null, KeyFingerprint: { } fingerprint })
                    await SettleAsync(record, record.OwedAccepts, "accept", (m, ct) => AcceptAsync(m, record.MinionId, fingerprint, ct), cancellationToken);
            }
            catch (RecordConflictException)
            {
                // Written since it was read: the next pass reads it again.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Text.Json.JsonException or CoordinationStoreException)
            {
                ProvisioningLog.RecordFailed(logger, listed.MinionId, e.Message);
            }
        }
    }

    private async Task SettleAsync(
        ProvisioningRecord record, IReadOnlyList<string> owed, string action, Func<NamedSaltMaster, CancellationToken, Task<bool>> settle,
        CancellationToken cancellationToken)
    {
        var settled = new List<string>();
        foreach (var name in owed)
        {
            if (masters.Find(name) is not { } master)
            {
                // A master no longer configured owes nothing any more.
                ProvisioningLog.OwedDropped(logger, action, record.MinionId, name);
                settled.Add(name);
                continue;
            }

            try
            {
                if (await settle(master, cancellationToken))
                    settled.Add(name);
            }
            catch (SaltApiException e)
            {
                ProvisioningLog.OwedStillOwed(logger, action, record.MinionId, name, e.Message);
            }
        }

        if (settled.Count == 0)
            return;
        IReadOnlyList<string> left = [.. owed.Where(n => !settled.Contains(n, StringComparer.Ordinal))];
        IReadOnlyList<string>? still = left.Count == 0 ? null : left;
        if (action == "delete" && still is null)
        {
            await records.RemoveAsync(record.MinionId, cancellationToken);
            return;
        }

        var kept = action == "delete" ? record with { OwedDeletes = still } : record with { OwedAccepts = still };
        await records.SaveAsync(kept.HasOwedWork ? kept : kept with { OwedSince = null }, cancellationToken);
    }

    private async Task<bool> DeleteAsync(NamedSaltMaster master, string minionId, CancellationToken cancellationToken)
    {
        await master.Master.DeleteKeyAsync(minionId, cancellationToken);
        ProvisioningLog.OwedDone(logger, "delete", minionId, master.Name);
        return true;
    }

    /// <summary>True when the accept is no longer owed: done now, done before, or dropped (never a key with another fingerprint).</summary>
    private async Task<bool> AcceptAsync(NamedSaltMaster master, string minionId, string fingerprint, CancellationToken cancellationToken)
    {
        var key = await master.Master.GetKeyFingerprintAsync(minionId, cancellationToken);
        if (key.State == MinionKeyState.Absent)
            return false;
        if (key.Fingerprint != fingerprint)
        {
            ProvisioningLog.OwedAcceptDropped(logger, minionId, master.Name, $"its key there has fingerprint {key.Fingerprint}, not {fingerprint}: not this minion's key");
            return true;
        }

        switch (key.State)
        {
            case MinionKeyState.Pending:
                await master.Master.AcceptKeyAsync(minionId, MinionKeyState.Pending, cancellationToken);
                ProvisioningLog.OwedDone(logger, "accept", minionId, master.Name);
                return true;
            case MinionKeyState.Accepted:
                ProvisioningLog.OwedDone(logger, "accept", minionId, master.Name);
                return true;
            default:
                ProvisioningLog.OwedAcceptDropped(logger, minionId, master.Name, $"its key there is {key.State}; the bridge does not override that");
                return true;
        }
    }
}
