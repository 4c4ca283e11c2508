using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Reconcile;

/// <summary>
/// Compares the masters' accepted keys with the live instances of the configured groups.
/// <list type="bullet">
/// <item>Orphan: a key accepted on any master whose id the minion id template renders for a configured group, whose
/// instance is in none of the groups and which Auto Scaling does not know at all any more (the second look keeps
/// warm-pool instances and instances moved to another group, which DescribeAutoScalingGroups does not list, off the
/// list). Deleted on every master that accepts it; it counts once against the deletion limit.</item>
/// <item>Stray: an instance InService in a configured group whose minion id has no accepted key (hot and shared-pki:
/// not on every master; failover: on none), or (with durable records) no successful provisioning on record.</item>
/// <item>Split (several masters): a key of a live instance accepted on some masters but not on the others. Reported
/// only: the bridge accepts keys only through its launch gate. In failover a key absent from the other masters is what
/// that topology does (the minion talks to one master at a time), so those are counted in a note, not listed.</item>
/// </list>
/// A minion is listed once, under the first of orphan, stray, split; with several masters every finding names the
/// key's state on each. Guards: only template ids of configured groups are considered; an empty group list, any failed
/// or partial answer (a master that does not answer included), or more orphans than the deletion limit, and nothing is
/// deleted. Keys go through <c>key.delete_dict</c>, one exact id each.
/// </summary>
internal sealed class FleetReconciler(
    SaltMasterSet masters,
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
        else if (masters.IsSingle)
            ReconcileLog.Finished(logger, report.Orphans.Count(), report.Strays.Count(), report.Deleted, apply);
        else
            ReconcileLog.FinishedOverMasters(logger, masters.Masters.Count, report.Orphans.Count(), report.Strays.Count(), report.Splits!.Count(), report.Deleted, apply);
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

        // Keys first: an instance launched after the listing cannot look like a stray of a key listed before it.
        var listings = await ListKeysAsync(cancellationToken);
        IReadOnlyList<ReconcileMaster>? masterReport = masters.IsSingle ? null : [.. listings.Select(l => new ReconcileMaster(l.Master.Name, l.Error))];
        var silent = listings.Where(l => l.Keys is null).ToList();
        if (silent.Count == listings.Count)
            return ReconcileReport.Refused(apply, "nothing done: " + Unanswered(silent), masterReport);

        GroupInventory fleet;
        try
        {
            fleet = await autoScaling.DescribeGroupsAsync(groups, cancellationToken);
        }
        catch (AutoScalingException e)
        {
            return ReconcileReport.Refused(apply, "nothing done: " + e.Message, masterReport);
        }

        var missing = groups.Where(g => !fleet.Groups.Contains(g)).ToList();
        if (missing.Count > 0)
            return ReconcileReport.Refused(apply, $"nothing done: Auto Scaling did not describe group(s) {string.Join(", ", missing)} (a partial answer, or no such group)", masterReport);

        var census = new KeyCensus([.. listings.Where(l => l.Keys is not null).Select(l => (l.Master.Name, l.Keys!))]);
        var live = fleet.Instances.Where(i => groups.Contains(i.AutoScalingGroupName)).ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        var ours = census.Accepted
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
            return ReconcileReport.Refused(apply, "nothing done: " + e.Message, masterReport);
        }

        var stillAlive = elsewhere.Where(i => !i.IsTerminated).ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        foreach (var kept in candidates.Where(c => stillAlive.ContainsKey(c.InstanceId)))
        {
            var instance = stillAlive[kept.InstanceId];
            notes.Add($"{kept.MinionId}: instance {kept.InstanceId} is {instance.LifecycleState} in {instance.AutoScalingGroupName} (not listed with the group's instances): not an orphan");
        }

        var orphans = candidates.Where(c => !stillAlive.ContainsKey(c.InstanceId)).OrderBy(c => c.MinionId, StringComparer.Ordinal).ToList();
        var strays = await StraysAsync(fleet, groups, template, golden, census, notes, cancellationToken);

        string? refusal = null;
        var orphanAction = apply ? Deleted : WouldDelete;
        if (silent.Count > 0)
        {
            // Its keys are unknown: deleting on the others would leave its copy, and the limit would count the wrong set.
            refusal = $"nothing deleted: {Unanswered(silent)}; the findings come from {string.Join(", ", census.Masters)} only";
            orphanAction = Kept;
        }
        else if (orphans.Count > maxDeletions)
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
                if (await DeleteOrphanAsync(orphan.MinionId, orphan.InstanceId, orphan.Group, census, cancellationToken) is { } failure)
                {
                    // Stop at the first failure: what is left is reported as kept, and the next run tries again.
                    refusal = $"stopped after {deleted} deletion(s): {failure}";
                    orphanAction = Kept;
                    action = Kept;
                }
                else
                {
                    deleted++;
                }
            }

            findings.Add(new ReconcileFinding(FindingKind.Orphan, orphan.MinionId, orphan.InstanceId, orphan.Group, "no instance in Auto Scaling", action, StatesOf(census, orphan.MinionId)));
        }

        findings.AddRange(strays);
        if (census.Masters.Count > 1)
            findings.AddRange(Splits(ours.Select(k => (k.MinionId, k.InstanceId)), live, census, findings, notes));
        return new ReconcileReport(true, apply, ours.Count, live.Count, findings, deleted, refusal, notes, masterReport);
    }

    private async Task<IReadOnlyList<MasterListing>> ListKeysAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(masters.Masters.Select(async master =>
        {
            try
            {
                return new MasterListing(master, await master.Master.ListKeysAsync(cancellationToken), null);
            }
            catch (SaltApiException e)
            {
                return new MasterListing(master, null, e.Message);
            }
        }));

    private string Unanswered(IEnumerable<MasterListing> silent) =>
        masters.IsSingle ? silent.Single().Error! : string.Join("; ", silent.Select(s => $"master {s.Master.Name}: {s.Error}"));

    /// <summary>Null with one master: its findings stay as they were before multi-master.</summary>
    private IReadOnlyList<MasterKey>? StatesOf(KeyCensus census, string minionId) => masters.IsSingle ? null : census.StatesOf(minionId);

    private async Task<IReadOnlyList<ReconcileFinding>> StraysAsync(
        GroupInventory fleet, IReadOnlyList<string> groups, MinionIdTemplate template, HashSet<string> golden, KeyCensus census,
        List<string> notes, CancellationToken cancellationToken)
    {
        // Hot and shared-pki: a master that does not accept the key cannot reach the minion. Failover: one master serves it.
        var everywhere = masters.Rules.KeyOnEveryMaster;
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
            var states = census.StatesOf(minionId);
            string? reason = null;
            if (everywhere ? !census.IsAcceptedEverywhere(minionId) : !census.IsAcceptedAnywhere(minionId))
            {
                reason = census.IsAcceptedAnywhere(minionId) ? $"key not accepted on every master: {NotAccepting(states)} cannot reach the minion"
                    : states.Any(s => s.State == MinionKeyState.Pending) ? "key pending, never accepted"
                    : states.Any(s => s.State is MinionKeyState.Rejected or MinionKeyState.Denied) ? "key rejected or denied"
                    : "no key";
            }
            else if (provisioned is not null && provisioned.GetValueOrDefault(minionId)?.ProvisionedAt is null)
            {
                reason = golden.Contains(instance.AutoScalingGroupName) ? "key accepted, but not by the bridge" : "no successful highstate on record";
            }

            if (reason is not null)
                strays.Add(new ReconcileFinding(FindingKind.Stray, minionId, instance.InstanceId, instance.AutoScalingGroupName, reason, ReportOnly, StatesOf(census, minionId)));
        }

        return strays;
    }

    /// <summary>Keys of live instances that some masters accept and others do not, unless already listed as orphan or stray.</summary>
    private List<ReconcileFinding> Splits(
        IEnumerable<(string MinionId, string InstanceId)> keys, Dictionary<string, AutoScalingInstance> live, KeyCensus census,
        IReadOnlyList<ReconcileFinding> listed, List<string> notes)
    {
        var reported = listed.Select(f => f.MinionId).ToHashSet(StringComparer.Ordinal);
        var splits = new List<ReconcileFinding>();
        var expected = 0;
        foreach (var (minionId, instanceId) in keys.OrderBy(k => k.MinionId, StringComparer.Ordinal))
        {
            if (!live.TryGetValue(instanceId, out var instance) || reported.Contains(minionId) || census.IsAcceptedEverywhere(minionId))
                continue;
            var states = census.StatesOf(minionId);
            if (masters.Rules.SplitExpected(states.Select(s => s.State)))
            {
                expected++;
                continue;
            }

            splits.Add(new ReconcileFinding(FindingKind.Split, minionId, instanceId, instance.AutoScalingGroupName, SplitReason(states, instance), ReportOnly, states));
        }

        if (expected > 0)
            notes.Add($"failover: {expected} key(s) accepted on some masters and absent on the others, as expected (a minion's key is accepted on the master it connected to); share pki for keys on every master");
        return splits;
    }

    /// <summary>What the disagreement means in this topology; the states themselves are in the finding's masters.</summary>
    private string SplitReason(IReadOnlyList<MasterKey> states, AutoScalingInstance instance)
    {
        var others = NotAccepting(states);
        var why = masters.Rules.SplitReason(others);
        var state = instance.LifecycleState switch
        {
            AutoScalingInstance.InService => "",
            AutoScalingInstance.PendingWait => $"; instance {instance.LifecycleState}: a launch may be accepting it right now",
            _ => $"; instance {instance.LifecycleState}",
        };
        return why + state;
    }

    private static string NotAccepting(IReadOnlyList<MasterKey> states) =>
        string.Join(", ", states.Where(s => s.State != MinionKeyState.Accepted).Select(s => s.Master));

    /// <summary>
    /// Deletes the key on every master that accepts it, in configuration order: null when all are gone, else why not
    /// (the masters done so far stay done; the next run finds the key on the rest).
    /// </summary>
    private async Task<string?> DeleteOrphanAsync(string minionId, string instanceId, string group, KeyCensus census, CancellationToken cancellationToken)
    {
        var holders = census.AcceptedOn(minionId).Select(name => masters.Find(name)!).ToList();
        var done = new List<string>();
        foreach (var holder in holders)
        {
            try
            {
                await holder.Master.DeleteKeyAsync(minionId, cancellationToken);
                done.Add(holder.Name);
            }
            catch (SaltApiException e)
            {
                if (masters.IsSingle)
                    return e.Message;
                return $"master {holder.Name}: {e.Message}" + (done.Count > 0 ? $" ({minionId} is deleted on {string.Join(", ", done)} only)" : "");
            }
        }

        if (masters.IsSingle)
            ReconcileLog.OrphanDeleted(logger, minionId, instanceId);
        else
            ReconcileLog.OrphanDeletedOnMasters(logger, minionId, instanceId, string.Join(",", done));
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
            // One event, through the first master that deleted it: reactors on it fire once.
            await holders[0].Master.FireEventAsync(BridgeEventTags.KeyDeleted, new JsonObject
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

        return null;
    }

    private sealed record MasterListing(NamedSaltMaster Master, KeyListing? Keys, string? Error);
}
