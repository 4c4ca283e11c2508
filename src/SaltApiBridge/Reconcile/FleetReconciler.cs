using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Reconcile;

/// <summary>
/// Compares the master's accepted keys with the live instances of the configured groups.
/// <list type="bullet">
/// <item>Orphan: an accepted key whose id the minion id template renders for a configured group, whose instance is in
/// none of the groups and which Auto Scaling does not know at all any more (the second look keeps warm-pool instances
/// and instances moved to another group, which DescribeAutoScalingGroups does not list, off the list).</item>
/// <item>Stray: an instance InService in a configured group whose minion id has no accepted key, or (with durable
/// records) no successful provisioning on record.</item>
/// </list>
/// Guards: only template ids of configured groups are considered; an empty group list, any failed or partial answer, or
/// more orphans than the deletion limit, and nothing is deleted. Keys go through <c>key.delete_dict</c>, one exact id each.
/// </summary>
internal sealed class FleetReconciler(
    ISaltMaster salt,
    IAutoScalingInventory autoScaling,
    IProvisioningRecords records,
    IOptions<BridgeOptions> bridgeOptions,
    ReconcileMetrics metrics,
    ILogger<FleetReconciler> logger)
{
    public const string Deleted = "deleted";
    public const string WouldDelete = "would delete";
    public const string Kept = "kept";
    public const string ReportOnly = "none";

    public async Task<ReconcileReport> RunAsync(bool apply, int maxDeletions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDeletions, 1);
        var report = await ReconcileAsync(apply, maxDeletions, cancellationToken);
        metrics.Ran(report);
        if (report.Refusal is { } refusal)
            ReconcileLog.Refused(logger, refusal);
        else
            ReconcileLog.Finished(logger, report.Orphans.Count(), report.Strays.Count(), report.Deleted, apply);
        return report;
    }

    private async Task<ReconcileReport> ReconcileAsync(bool apply, int maxDeletions, CancellationToken cancellationToken)
    {
        var bridge = bridgeOptions.Value;
        IReadOnlyList<string> groups = [.. bridge.Groups.Distinct(StringComparer.Ordinal)];
        if (groups.Count == 0)
            return ReconcileReport.Refused(apply, "Bridge:Groups is empty: reconcile only ever acts on the groups it is given");
        var template = MinionIdTemplate.Parse(bridge.MinionIdTemplate);
        var golden = new HashSet<string>(bridge.GoldenImageGroups, StringComparer.Ordinal);

        KeyListing keys;
        GroupInventory fleet;
        try
        {
            // Keys first: an instance launched after the listing cannot look like a stray of a key listed before it.
            keys = await salt.ListKeysAsync(cancellationToken);
            fleet = await autoScaling.DescribeGroupsAsync(groups, cancellationToken);
        }
        catch (Exception e) when (e is SaltApiException or AutoScalingException)
        {
            return ReconcileReport.Refused(apply, "nothing done: " + e.Message);
        }

        var missing = groups.Where(g => !fleet.Groups.Contains(g)).ToList();
        if (missing.Count > 0)
            return ReconcileReport.Refused(apply, $"nothing done: Auto Scaling did not describe group(s) {string.Join(", ", missing)} (a partial answer, or no such group)");

        var live = fleet.Instances.Where(i => groups.Contains(i.AutoScalingGroupName)).ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        var ours = keys.Accepted
            .Select(id => (MinionId: id, Match: groups.Select(g => (Group: g, Found: template.TryMatch(id, g, out var instance), Instance: instance)).FirstOrDefault(m => m.Found)))
            .Where(k => k.Match.Found)
            .Select(k => (k.MinionId, k.Match.Group, InstanceId: k.Match.Instance!))
            .ToList();
        var candidates = ours.Where(k => !live.ContainsKey(k.InstanceId)).ToList();

        var notes = new List<string>();
        IReadOnlyList<AutoScalingInstance> elsewhere;
        try
        {
            elsewhere = candidates.Count == 0 ? [] : await autoScaling.DescribeInstancesAsync([.. candidates.Select(c => c.InstanceId)], cancellationToken);
        }
        catch (AutoScalingException e)
        {
            return ReconcileReport.Refused(apply, "nothing done: " + e.Message);
        }

        var stillAlive = elsewhere.Where(i => !i.IsTerminated).ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        foreach (var kept in candidates.Where(c => stillAlive.ContainsKey(c.InstanceId)))
        {
            var instance = stillAlive[kept.InstanceId];
            notes.Add($"{kept.MinionId}: instance {kept.InstanceId} is {instance.LifecycleState} in {instance.AutoScalingGroupName} (not listed with the group's instances): not an orphan");
        }

        var orphans = candidates.Where(c => !stillAlive.ContainsKey(c.InstanceId)).OrderBy(c => c.MinionId, StringComparer.Ordinal).ToList();
        var strays = await StraysAsync(fleet, groups, template, golden, keys, notes, cancellationToken);

        string? refusal = null;
        var orphanAction = apply ? Deleted : WouldDelete;
        if (orphans.Count > maxDeletions)
        {
            refusal = $"{orphans.Count} orphan keys exceed the limit of {maxDeletions} deletions per run: nothing deleted. So many usually means a wrong region, account or template; check, then raise --max-deletions (Reconcile:MaxDeletions).";
            orphanAction = Kept;
        }

        var deleted = 0;
        var findings = new List<ReconcileFinding>();
        foreach (var orphan in orphans)
        {
            var action = orphanAction;
            if (apply && refusal is null)
            {
                try
                {
                    await DeleteOrphanAsync(orphan.MinionId, orphan.InstanceId, orphan.Group, cancellationToken);
                    deleted++;
                }
                catch (SaltApiException e)
                {
                    // Stop at the first failure: what is left is reported as kept, and the next run tries again.
                    refusal = $"stopped after {deleted} deletion(s): {e.Message}";
                    orphanAction = Kept;
                    action = Kept;
                }
            }

            findings.Add(new ReconcileFinding(FindingKind.Orphan, orphan.MinionId, orphan.InstanceId, orphan.Group, "no instance in Auto Scaling", action));
        }

        findings.AddRange(strays);
        return new ReconcileReport(true, apply, ours.Count, live.Count, findings, deleted, refusal, notes);
    }

    private async Task<IReadOnlyList<ReconcileFinding>> StraysAsync(
        GroupInventory fleet, IReadOnlyList<string> groups, MinionIdTemplate template, HashSet<string> golden, KeyListing keys,
        List<string> notes, CancellationToken cancellationToken)
    {
        var accepted = new HashSet<string>(keys.Accepted, StringComparer.Ordinal);
        var pending = new HashSet<string>(keys.Pending, StringComparer.Ordinal);
        var refused = new HashSet<string>(keys.Rejected.Concat(keys.Denied), StringComparer.Ordinal);
        Dictionary<string, ProvisioningRecord>? provisioned = null;
        if (records.IsDurable)
            provisioned = (await records.ListAsync(cancellationToken)).ToDictionary(r => r.MinionId, StringComparer.Ordinal);
        else
            notes.Add("highstates not checked: Pipeline:RecordDirectory is not set, so the bridge keeps no record of them");

        var strays = new List<ReconcileFinding>();
        foreach (var instance in fleet.Instances
                     .Where(i => i.LifecycleState == AutoScalingInstance.InService && groups.Contains(i.AutoScalingGroupName))
                     .OrderBy(i => i.InstanceId, StringComparer.Ordinal))
        {
            var minionId = template.Render(instance.AutoScalingGroupName, instance.InstanceId);
            string? reason = null;
            if (!accepted.Contains(minionId))
            {
                reason = pending.Contains(minionId) ? "key pending, never accepted"
                    : refused.Contains(minionId) ? "key rejected or denied"
                    : "no key";
            }
            else if (provisioned is not null && provisioned.GetValueOrDefault(minionId)?.ProvisionedAt is null)
            {
                reason = golden.Contains(instance.AutoScalingGroupName) ? "key accepted, but not by the bridge" : "no successful highstate on record";
            }

            if (reason is not null)
                strays.Add(new ReconcileFinding(FindingKind.Stray, minionId, instance.InstanceId, instance.AutoScalingGroupName, reason, ReportOnly));
        }

        return strays;
    }

    private async Task DeleteOrphanAsync(string minionId, string instanceId, string group, CancellationToken cancellationToken)
    {
        await salt.DeleteKeyAsync(minionId, cancellationToken);
        ReconcileLog.OrphanDeleted(logger, minionId, instanceId);
        try
        {
            await records.RemoveAsync(minionId, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReconcileLog.RecordNotRemoved(logger, minionId, e.Message);
        }

        try
        {
            await salt.FireEventAsync(BridgeEventTags.KeyDeleted, new JsonObject
            {
                ["instance_id"] = instanceId,
                ["minion_id"] = minionId,
                ["group"] = group,
                ["hook"] = null,
                ["jid"] = null,
                ["outcome"] = "orphan",
                ["correlation_id"] = "reconcile",
            }, cancellationToken);
        }
        catch (SaltApiException e)
        {
            // Best effort, as in the pipeline: the key is gone either way.
            ReconcileLog.EventFailed(logger, minionId, e.Message);
        }
    }
}
