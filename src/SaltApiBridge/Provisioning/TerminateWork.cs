using Microsoft.Extensions.Logging;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

/// <summary>
/// A terminating instance: the <c>clean</c> states (once, under a recorded jid, like a highstate), then CONTINUE. A
/// scale-in is never blocked on clean-up: a failed or impossible clean-up still completes the action.
/// </summary>
internal sealed class TerminateWork(
    SaltMasterSet masters,
    JobMasters jobMasters,
    HeartbeatKeeper heartbeats,
    RecordKeeper records,
    StateJobRunner jobs,
    ActionCompletion completion,
    BridgeEvents events,
    BridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<TerminateWork> logger)
{
    public async Task<WorkOutcome> RunAsync(InstanceWork work, CancellationToken cancellationToken)
    {
        // The clean-up's jid is recorded like the highstate's, so a redelivery of this action republishes it.
        var record = await records.ReadAsync(work.MinionId, cancellationToken);
        await records.TakeOnAsync(work, record ?? new ProvisioningRecord(
            work.MinionId, work.InstanceId, work.Plan.Event.AutoScalingGroupName, null, timeProvider.GetUtcNow()), cancellationToken);
        await events.FireAsync(BridgeEventTags.Terminating, work, null, null, cancellationToken);
        var clean = work.Plan.Steps.FirstOrDefault(s => s.Kind == PlannedStepKind.ApplyStates);
        string? failure = null;
        string? jid = null;
        if (clean is not null)
        {
            var resumedClean = record?.IsCleanFor(work.ActionKey) == true;
            await using var lease = await heartbeats.StartAsync(work.Action, work.Record?.InProgress?.Since, resumedClean || work.IsTakeover, cancellationToken);
            work.Heartbeating(lease.Plan);
            try
            {
                work.JobMaster = resumedClean && masters.Find(record!.CleanMaster) is { } earlier ? earlier : await CleanMasterAsync(work, cancellationToken);
                var job = new StateJob(
                    "clean",
                    resumedClean ? record!.CleanJid : null,
                    j => records.SaveAsync(work, work.Record! with { CleanActionKey = work.ActionKey, CleanJid = j, CleanMaster = work.JobMaster.Name }, cancellationToken),
                    j => work.Jobs.StartStatesAsync(work.MinionId, clean.States!, null, j, cancellationToken),
                    PingFirst: false);
                var run = (await jobs.RunOnceAsync(job, work, cancellationToken))!;
                jid = run.Jid;
                if (!run.Succeeded)
                    failure = StateJobRunner.Describe("clean", run);
            }
            catch (SaltApiException e)
            {
                // A scale-in is never blocked on cleanup: a salt-api failure here still completes the action.
                failure = "salt-api: " + e.Message;
                metrics.Error(e.IsTransient ? "salt_api_transient" : "salt_api");
            }

            if (lease.ActionGone)
                return await completion.GoneAsync(work, failure is null ? "cleaned" : "clean_failed", jid, cancellationToken);
            await events.FireAsync(failure is null ? BridgeEventTags.Cleaned : BridgeEventTags.CleanFailed, work, jid, failure ?? "succeeded", cancellationToken);
            if (failure is not null)
                ProvisioningLog.CleanFailed(logger, work.InstanceId, work.MinionId, failure);
        }

        var complete = work.Completion;
        var result = failure is null ? complete.Result!.Value : complete.ResultOnFailure!.Value;
        var summary = clean is null ? "returned to the warm pool; key kept" : failure is null ? $"cleaned{StateJobRunner.JidText(jid)}" : $"clean failed ({failure}); completed anyway";
        return await completion.CompleteAsync(work, result, summary, cancellationToken);
    }

    /// <summary>
    /// The master a clean-up goes through: the one the launch used, else the first, in configuration order, where the key
    /// is accepted (the minion answers only masters that accepted it).
    /// </summary>
    private async Task<NamedSaltMaster> CleanMasterAsync(InstanceWork work, CancellationToken cancellationToken)
    {
        if (masters.IsSingle)
            return masters.Primary;
        var preferred = masters.Find(work.Record?.JobMaster);
        return await jobMasters.WhereAcceptedAsync(work, preferred, null, cancellationToken) ?? preferred ?? masters.Primary;
    }
}
