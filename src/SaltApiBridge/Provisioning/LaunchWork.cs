using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning.Gate;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

/// <summary>
/// A launch: accept the key (through the gate), highstate, complete. A redelivery of the same action (its token is in
/// the message) resumes: heartbeats start again at once, an accepted key stays as it is, and a highstate already
/// published for this action is waited for instead of run a second time.
/// </summary>
internal sealed class LaunchWork(
    SaltMasterSet masters,
    HeartbeatKeeper heartbeats,
    AcceptGate gate,
    RecordKeeper records,
    StateJobRunner jobs,
    StepAttempts attempts,
    ActionCompletion completion,
    BridgeEvents events,
    IOptions<PipelineOptions> options,
    TimeProvider timeProvider,
    ILogger<LaunchWork> logger)
{
    public async Task<WorkOutcome> RunAsync(InstanceWork work, CancellationToken cancellationToken)
    {
        var previous = await records.ReadAsync(work.MinionId, cancellationToken);
        var resumed = previous?.IsFor(work.ActionKey) == true;
        if (resumed)
        {
            // A recorded jid is waited for, and republished, only through the master it went to.
            work.JobMaster = masters.Find(previous!.JobMaster) ?? masters.Primary;
            ProvisioningLog.Resuming(logger, work.InstanceId, work.MinionId, previous.HighstateJid);
            await records.TakeOnAsync(work, previous, cancellationToken);
        }
        else
        {
            await records.TakeOnAsync(work, new ProvisioningRecord(
                work.MinionId, work.InstanceId, work.Plan.Event.AutoScalingGroupName, work.ActionKey, timeProvider.GetUtcNow()) { Version = previous?.Version ?? 0 }, cancellationToken);
            await events.FireAsync(BridgeEventTags.Launching, work, null, null, cancellationToken);
        }

        string? failure = null;
        string? jid = null;

        // The global timeout counts from when the bridge first took the action on (kept in the record), not from the
        // message's own timestamp: a message's clock is not ours, and an old or replayed one must not end heartbeats early.
        await using (var lease = await heartbeats.StartAsync(work.Action, work.Record?.StartedAt, resumed, cancellationToken))
        {
            work.Heartbeating(lease.Plan);
            work.Step("waiting for the key");
            var passed = await attempts.RunAsync(() => gate.PassAsync(work.Plan.Event, work.MinionId, cancellationToken), g => g.Verdict != GateVerdict.NoKey, cancellationToken);
            switch (passed.Verdict)
            {
                case GateVerdict.Accepted or GateVerdict.AlreadyAccepted:
                    ProvisioningLog.KeyAccepted(logger, work.InstanceId, work.MinionId, passed.Verdict == GateVerdict.AlreadyAccepted);
                    await KeepAcceptAsync(work, passed, cancellationToken);
                    if (!resumed || passed.Verdict == GateVerdict.Accepted)
                        await events.FireAsync(BridgeEventTags.KeyAccepted, work, null, passed.Verdict.ToString(), cancellationToken);
                    break;
                case GateVerdict.Refused:
                    await events.FireAsync(BridgeEventTags.Refused, work, null, passed.Reason, cancellationToken);
                    if (!passed.InstanceConfirmed)
                    {
                        // Auto Scaling does not have this instance waiting in this group: the action is not ours to complete.
                        return WorkOutcome.Done("refused", $"refused ({passed.Reason}): {passed.Detail}");
                    }

                    failure = passed.Detail;
                    break;
                case GateVerdict.ActionEnded:
                    ProvisioningLog.ActionAlreadyGone(logger, work.InstanceId, work.MinionId);
                    return WorkOutcome.Done("action gone", passed.Detail!);
                default:
                    failure = passed.Detail;
                    break;
            }

            if (failure is null && work.Plan.Steps.Any(s => s.Kind == PlannedStepKind.Highstate))
            {
                bool busy;
                (failure, jid, busy) = await HighstateAsync(work, resumed, cancellationToken);
                if (busy && !lease.ActionGone)
                {
                    // Another state run held the minion past the bound: no verdict on this instance, so no ABANDON.
                    return WorkOutcome.Retry(failure!);
                }
            }
            else if (failure is null)
            {
                // A golden image provisions itself: the accepted key is its provisioning.
                await records.SaveAsync(work, work.Record! with { ProvisionedAt = timeProvider.GetUtcNow() }, cancellationToken);
            }

            if (lease.ActionGone)
                return await completion.GoneAsync(work, failure is null ? "provisioned" : "provision_failed", jid, cancellationToken);
        }

        await events.FireAsync(failure is null ? BridgeEventTags.Provisioned : BridgeEventTags.ProvisionFailed, work, jid, failure is null ? "succeeded" : failure, cancellationToken);
        if (failure is not null && options.Value.FailurePolicy == FailurePolicy.LeaveForRedrive)
        {
            ProvisioningLog.LeftForRedrive(logger, work.InstanceId, work.MinionId, failure);
            return WorkOutcome.Retry(failure);
        }

        var complete = work.Completion;
        var result = failure is null ? complete.Result!.Value : complete.ResultOnFailure!.Value;
        return await completion.CompleteAsync(work, result, failure is null ? $"provisioned{StateJobRunner.JidText(jid)}" : failure, cancellationToken);
    }

    /// <summary>The highstate step: once per action, under the jid recorded for it (see <see cref="StateJobRunner.RunOnceAsync"/>).</summary>
    private async Task<(string? Failure, string? Jid, bool Busy)> HighstateAsync(InstanceWork work, bool resumed, CancellationToken cancellationToken)
    {
        if (resumed && work.Record is { ProvisionedAt: not null, HighstateJid: { } ran } && work.Record.ProvisionedJid == ran)
        {
            // This action's highstate already succeeded (its completion was lost): its verdict stands. Republishing its
            // jid would be dropped by the minion, and a master that forgot the job would leave nothing to wait for.
            return (null, ran, false);
        }

        var job = new StateJob(
            "highstate",
            resumed ? work.Record?.HighstateJid : null,
            jid => records.SaveAsync(work, work.Record! with { HighstateJid = jid, HighstatePublishedAt = timeProvider.GetUtcNow(), JobMaster = work.JobMaster.Name }, cancellationToken),
            jid => work.Jobs.StartHighstateAsync(work.MinionId, jid, cancellationToken));
        var run = await jobs.RunOnceAsync(job, work, cancellationToken);
        if (run is null)
            return ($"{work.MinionId} did not answer test.ping after its key was accepted", null, false);
        if (!run.Succeeded)
            return (StateJobRunner.Describe("highstate", run), run.Jid, run.Status == StateRunStatus.AnotherRunInProgress);
        await records.SaveAsync(work, work.Record! with { ProvisionedAt = timeProvider.GetUtcNow(), ProvisionedJid = run.Jid }, cancellationToken);
        return (null, run.Jid, false);
    }

    /// <summary>The gate's accept, kept in the record: the master the launch's jobs go through, the key, the accepts owed.</summary>
    private async Task KeepAcceptAsync(InstanceWork work, GateOutcome passed, CancellationToken cancellationToken)
    {
        if (masters.IsSingle)
            return;
        // A highstate already published goes on through its master; otherwise the gate's choice.
        if (work.Record?.HighstateJid is null && masters.Find(passed.JobMaster) is { } chosen)
            work.JobMaster = chosen;
        await records.SaveAsync(work, work.Record! with
        {
            JobMaster = work.JobMaster.Name,
            KeyFingerprint = passed.Fingerprint ?? work.Record.KeyFingerprint,
            OwedAccepts = passed.OwedAccepts.Count > 0 ? passed.OwedAccepts : null,
            OwedSince = passed.OwedAccepts.Count > 0 ? work.Record.OwedSince ?? timeProvider.GetUtcNow() : work.Record.OwedDeletes is { Count: > 0 } ? work.Record.OwedSince : null,
        }, cancellationToken);
    }
}
