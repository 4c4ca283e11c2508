using System.Diagnostics;
using System.Text.Json.Nodes;
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
/// Carries out one plan for one instance through salt-api and the Auto Scaling API, firing a Salt event at each step.
/// Decides the message's fate from the outcome; never throws (but for cancellation by the caller's token, which it
/// turns into <see cref="MessageDisposition.Release"/>).
/// </summary>
internal sealed class InstanceWorkHandler(
    SaltMasterSet masters,
    ILifecycleActionClient lifecycle,
    HeartbeatKeeper heartbeats,
    AcceptGate gate,
    IProvisioningRecords records,
    IOptions<PipelineOptions> options,
    IOptions<SaltApiOptions> saltOptions,
    TimeProvider timeProvider,
    BridgeMetrics metrics,
    ILogger<InstanceWorkHandler> logger)
{
    public async Task<WorkOutcome> HandleAsync(ActionPlan plan, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var work = new Work(plan, correlationId, masters.Primary);
        try
        {
            return plan.Event.Kind switch
            {
                LifecycleEventKind.Launching => await LaunchAsync(work, cancellationToken),
                LifecycleEventKind.Terminating => await TerminateAsync(work, cancellationToken),
                LifecycleEventKind.Terminated => await DeleteKeyAsync(work, cancellationToken),
                _ => WorkOutcome.Done("acknowledged", plan.Reason ?? "nothing to do"),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            PipelineLog.WorkInterrupted(logger, work.InstanceId, work.MinionId);
            return WorkOutcome.Released("interrupted by shutdown; released to another replica");
        }
        catch (SaltApiException e)
        {
            metrics.Error(e.IsTransient ? "salt_api_transient" : "salt_api");
            PipelineLog.SaltApiFailed(logger, work.InstanceId, work.MinionId, e.Message);
            return WorkOutcome.Retry("salt-api: " + e.Message);
        }
        catch (RecordConflictException)
        {
            // Another replica wrote the record since it was read: never overwritten; the message comes back and the work
            // is decided again from what is stored.
            metrics.Error("record_conflict");
            PipelineLog.RecordConflict(logger, work.InstanceId, work.MinionId);
            return WorkOutcome.Retry("the provisioning record changed under this replica", options.Value.LockedRetryDelay);
        }
        catch (CoordinationStoreException e)
        {
            metrics.Error(e.IsTransient ? "store_transient" : "store");
            PipelineLog.StoreFailed(logger, work.InstanceId, work.MinionId, e.Message);
            return WorkOutcome.Retry("coordination store: " + e.Message);
        }
        catch (AutoScalingException e)
        {
            metrics.Error(e.IsTransient ? "autoscaling_transient" : "autoscaling");
            PipelineLog.AutoScalingFailed(logger, work.InstanceId, work.MinionId, e.Message);
            return WorkOutcome.Retry("Auto Scaling: " + e.Message);
        }
        catch (Exception e)
        {
            // A bug must not end the stream or lose the message: leave it for redelivery and say so loudly.
            metrics.Error("unexpected");
            PipelineLog.UnexpectedFailure(logger, work.InstanceId, work.MinionId, e);
            return WorkOutcome.Retry("unexpected error: " + e.Message);
        }
    }

    /// <summary>
    /// Accept (through the gate), highstate, complete. A redelivery of the same action (its token is in the message)
    /// resumes: heartbeats start again at once, an accepted key stays as it is, and a highstate already published for
    /// this action is waited for instead of run a second time.
    /// </summary>
    private async Task<WorkOutcome> LaunchAsync(Work work, CancellationToken cancellationToken)
    {
        var previous = await ReadRecordAsync(work.MinionId, cancellationToken);
        var resumed = previous?.IsFor(ProvisioningRecord.KeyOf(work.Plan.Event.LifecycleActionToken)) == true;
        if (resumed)
        {
            work.Record = previous;
            // A recorded jid is waited for, and republished, only through the master it went to.
            work.JobMaster = masters.Find(previous!.JobMaster) ?? masters.Primary;
            PipelineLog.Resuming(logger, work.InstanceId, work.MinionId, previous.HighstateJid);
        }
        else
        {
            await SaveRecordAsync(work, new ProvisioningRecord(
                work.MinionId, work.InstanceId, work.Plan.Event.AutoScalingGroupName,
                ProvisioningRecord.KeyOf(work.Plan.Event.LifecycleActionToken), timeProvider.GetUtcNow()) { Version = previous?.Version ?? 0 }, cancellationToken);
            await FireAsync(BridgeEventTags.Launching, work, null, null, cancellationToken);
        }

        var complete = work.Plan.Steps.Single(s => s.Kind == PlannedStepKind.CompleteLifecycleAction);
        string? failure = null;
        string? jid = null;

        // The global timeout counts from when the bridge first took the action on (kept in the record), not from the
        // message's own timestamp: a message's clock is not ours, and an old or replayed one must not end heartbeats early.
        await using (var lease = await heartbeats.StartAsync(work.Action, work.Record?.StartedAt, resumed, cancellationToken))
        {
            var passed = await AttemptAsync(() => gate.PassAsync(work.Plan.Event, work.MinionId, cancellationToken), g => g.Verdict != GateVerdict.NoKey, cancellationToken);
            switch (passed.Verdict)
            {
                case GateVerdict.Accepted or GateVerdict.AlreadyAccepted:
                    PipelineLog.KeyAccepted(logger, work.InstanceId, work.MinionId, passed.Verdict == GateVerdict.AlreadyAccepted);
                    await KeepAcceptAsync(work, passed, cancellationToken);
                    if (!resumed || passed.Verdict == GateVerdict.Accepted)
                        await FireAsync(BridgeEventTags.KeyAccepted, work, null, passed.Verdict.ToString(), cancellationToken);
                    break;
                case GateVerdict.Refused:
                    await FireAsync(BridgeEventTags.Refused, work, null, passed.Reason, cancellationToken);
                    if (!passed.InstanceConfirmed)
                    {
                        // Auto Scaling does not have this instance waiting in this group: the action is not ours to complete.
                        return WorkOutcome.Done("refused", $"refused ({passed.Reason}): {passed.Detail}");
                    }

                    failure = passed.Detail;
                    break;
                case GateVerdict.ActionEnded:
                    PipelineLog.ActionAlreadyGone(logger, work.InstanceId, work.MinionId);
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
                await SaveRecordAsync(work, work.Record! with { ProvisionedAt = timeProvider.GetUtcNow() }, cancellationToken);
            }

            if (lease.ActionGone)
                return await ActionGoneAsync(work, failure is null ? "provisioned" : "provision_failed", jid, cancellationToken);
        }

        await FireAsync(failure is null ? BridgeEventTags.Provisioned : BridgeEventTags.ProvisionFailed, work, jid, failure is null ? "succeeded" : failure, cancellationToken);
        if (failure is not null && options.Value.FailurePolicy == FailurePolicy.LeaveForRedrive)
        {
            PipelineLog.LeftForRedrive(logger, work.InstanceId, work.MinionId, failure);
            return WorkOutcome.Retry(failure);
        }

        var result = failure is null ? complete.Result!.Value : complete.ResultOnFailure!.Value;
        return await CompleteAsync(work, result, failure is null ? $"provisioned{JidText(jid)}" : failure, cancellationToken);
    }

    /// <summary>The highstate step: once per action, under the jid recorded for it (see <see cref="RunOnceAsync"/>).</summary>
    private async Task<(string? Failure, string? Jid, bool Busy)> HighstateAsync(Work work, bool resumed, CancellationToken cancellationToken)
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
            jid => SaveRecordAsync(work, work.Record! with { HighstateJid = jid, HighstatePublishedAt = timeProvider.GetUtcNow(), JobMaster = work.JobMaster.Name }, cancellationToken),
            jid => work.Jobs.StartHighstateAsync(work.MinionId, jid, cancellationToken));
        var run = await RunOnceAsync(job, work, cancellationToken);
        if (run is null)
            return ($"{work.MinionId} did not answer test.ping after its key was accepted", null, false);
        if (!run.Succeeded)
            return (Describe("highstate", run), run.Jid, run.Status == StateRunStatus.AnotherRunInProgress);
        await SaveRecordAsync(work, work.Record! with { ProvisionedAt = timeProvider.GetUtcNow(), ProvisionedJid = run.Jid }, cancellationToken);
        return (null, run.Jid, false);
    }

    private async Task<WorkOutcome> TerminateAsync(Work work, CancellationToken cancellationToken)
    {
        await FireAsync(BridgeEventTags.Terminating, work, null, null, cancellationToken);
        var clean = work.Plan.Steps.FirstOrDefault(s => s.Kind == PlannedStepKind.ApplyStates);
        string? failure = null;
        string? jid = null;
        if (clean is not null)
        {
            await using var lease = await heartbeats.StartAsync(work.Action, null, resumed: false, cancellationToken);
            try
            {
                // The clean-up's jid is recorded like the highstate's, so a redelivery of this action republishes it.
                var record = await ReadRecordAsync(work.MinionId, cancellationToken);
                var token = work.Plan.Event.LifecycleActionToken;
                work.Record = record ?? new ProvisioningRecord(
                    work.MinionId, work.InstanceId, work.Plan.Event.AutoScalingGroupName, null, timeProvider.GetUtcNow());
                var resumedClean = record?.IsCleanFor(ProvisioningRecord.KeyOf(token)) == true;
                work.JobMaster = resumedClean && masters.Find(record!.CleanMaster) is { } earlier ? earlier : await CleanMasterAsync(work, cancellationToken);
                var job = new StateJob(
                    "clean",
                    resumedClean ? record!.CleanJid : null,
                    j => SaveRecordAsync(work, work.Record! with { CleanActionKey = ProvisioningRecord.KeyOf(token), CleanJid = j, CleanMaster = work.JobMaster.Name }, cancellationToken),
                    j => work.Jobs.StartStatesAsync(work.MinionId, clean.States!, null, j, cancellationToken),
                    PingFirst: false);
                var run = (await RunOnceAsync(job, work, cancellationToken))!;
                jid = run.Jid;
                if (!run.Succeeded)
                    failure = Describe("clean", run);
            }
            catch (SaltApiException e)
            {
                // A scale-in is never blocked on cleanup: a salt-api failure here still completes the action.
                failure = "salt-api: " + e.Message;
                metrics.Error(e.IsTransient ? "salt_api_transient" : "salt_api");
            }

            if (lease.ActionGone)
                return await ActionGoneAsync(work, failure is null ? "cleaned" : "clean_failed", jid, cancellationToken);
            await FireAsync(failure is null ? BridgeEventTags.Cleaned : BridgeEventTags.CleanFailed, work, jid, failure ?? "succeeded", cancellationToken);
            if (failure is not null)
                PipelineLog.CleanFailed(logger, work.InstanceId, work.MinionId, failure);
        }

        var complete = work.Plan.Steps.Single(s => s.Kind == PlannedStepKind.CompleteLifecycleAction);
        var result = failure is null ? complete.Result!.Value : complete.ResultOnFailure!.Value;
        var summary = clean is null ? "returned to the warm pool; key kept" : failure is null ? $"cleaned{JidText(jid)}" : $"clean failed ({failure}); completed anyway";
        return await CompleteAsync(work, result, summary, cancellationToken);
    }

    /// <summary>
    /// Deletes the key on every master. A master that does not answer keeps the delete owed: in the durable record (retried
    /// every <see cref="SaltApiOptions.MasterRetryInterval"/> until it answers) or, without durable records, in the message
    /// itself (retried with it).
    /// </summary>
    private async Task<WorkOutcome> DeleteKeyAsync(Work work, CancellationToken cancellationToken)
    {
        var deletes = await Task.WhenAll(masters.Masters.Select(async m =>
        {
            try
            {
                await AttemptAsync(async () => { await m.Master.DeleteKeyAsync(work.MinionId, cancellationToken); return true; }, _ => true, cancellationToken);
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
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(deletes[0].Error!);
        }

        work.JobMaster = deleted[0];
        if (owed.Count == 0)
        {
            PipelineLog.KeyDeleted(logger, work.InstanceId, work.MinionId);
            await RemoveRecordAsync(work.MinionId, cancellationToken);
            await FireAsync(BridgeEventTags.KeyDeleted, work, null, "deleted", cancellationToken);
            return WorkOutcome.Done("key deleted", masters.IsSingle ? $"key {work.MinionId} deleted" : $"key {work.MinionId} deleted on every master");
        }

        var onMasters = string.Join(", ", owed);
        if (!records.IsDurable)
        {
            // Nowhere durable to keep the debt but the message: it comes back, and deleting again where it is gone is harmless.
            PipelineLog.DeleteOwed(logger, work.InstanceId, work.MinionId, onMasters, "the message is kept until they answer (no Pipeline:RecordDirectory)");
            return WorkOutcome.Retry($"key {work.MinionId} deleted on {string.Join(", ", deleted.Select(d => d.Name))}; not on {onMasters}, which did not answer");
        }

        var record = await ReadRecordAsync(work.MinionId, cancellationToken)
            ?? new ProvisioningRecord(work.MinionId, work.InstanceId, work.Plan.Event.AutoScalingGroupName, null, timeProvider.GetUtcNow());
        if (await TrySaveRecordAsync(record with { OwedDeletes = owed, OwedAccepts = null }, cancellationToken) is null)
            return WorkOutcome.Retry($"key {work.MinionId} not deleted on {onMasters}, and the owed delete could not be recorded");
        PipelineLog.DeleteOwed(logger, work.InstanceId, work.MinionId, onMasters, $"recorded; tried again every {saltOptions.Value.MasterRetryInterval} until they answer");
        await FireAsync(BridgeEventTags.KeyDeleted, work, null, "deleted; owed on " + onMasters, cancellationToken);
        return WorkOutcome.Done("key deleted", $"key {work.MinionId} deleted on {string.Join(", ", deleted.Select(d => d.Name))}; owed on {onMasters} (recorded)");
    }

    /// <summary>The gate's accept, kept in the record: the master the launch's jobs go through, the key, the accepts owed.</summary>
    private async Task KeepAcceptAsync(Work work, GateOutcome passed, CancellationToken cancellationToken)
    {
        if (masters.IsSingle)
            return;
        // A highstate already published goes on through its master; otherwise the gate's choice.
        if (work.Record?.HighstateJid is null && masters.Find(passed.JobMaster) is { } chosen)
            work.JobMaster = chosen;
        await SaveRecordAsync(work, work.Record! with
        {
            JobMaster = work.JobMaster.Name,
            KeyFingerprint = passed.Fingerprint ?? work.Record.KeyFingerprint,
            OwedAccepts = passed.OwedAccepts.Count > 0 ? passed.OwedAccepts : null,
        }, cancellationToken);
    }

    /// <summary>
    /// The master a clean-up goes through: the one the launch used, else the first, in configuration order, where the key
    /// is accepted (the minion answers only masters that accepted it).
    /// </summary>
    private async Task<NamedSaltMaster> CleanMasterAsync(Work work, CancellationToken cancellationToken)
    {
        if (masters.IsSingle)
            return masters.Primary;
        var preferred = masters.Find(work.Record?.JobMaster);
        foreach (var candidate in masters.Masters.OrderBy(m => m == preferred ? 0 : 1))
        {
            try
            {
                if (await candidate.Master.GetKeyStateAsync(work.MinionId, cancellationToken) == MinionKeyState.Accepted)
                    return candidate;
            }
            catch (SaltApiException e)
            {
                PipelineLog.MasterKeyMissing(logger, candidate.Name, work.InstanceId, work.MinionId, e.Message);
            }
        }

        return preferred ?? masters.Primary;
    }

    private async Task<WorkOutcome> CompleteAsync(Work work, LifecycleActionResult result, string summary, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.CompleteAsync(work.Action, result, cancellationToken);
        var kind = work.Plan.Event.Kind.ToString();
        if (outcome == LifecycleActionOutcome.ActionGone)
        {
            metrics.Completed(kind, "gone");
            PipelineLog.ActionAlreadyGone(logger, work.InstanceId, work.MinionId);
            return WorkOutcome.Done("action gone", summary + "; the lifecycle action had already ended");
        }

        var text = result == LifecycleActionResult.Continue ? "CONTINUE" : "ABANDON";
        metrics.Completed(kind, text);
        PipelineLog.Completed(logger, work.InstanceId, work.MinionId, text);
        return WorkOutcome.Done(text, summary + "; completed " + text);
    }

    private async Task<WorkOutcome> ActionGoneAsync(Work work, string step, string? jid, CancellationToken cancellationToken)
    {
        PipelineLog.ActionAlreadyGone(logger, work.InstanceId, work.MinionId);
        metrics.Completed(work.Plan.Event.Kind.ToString(), "gone");
        await FireAsync(BridgeEventTags.Prefix + step, work, jid, "action_gone", cancellationToken);
        return WorkOutcome.Done("action gone", $"{step}; the lifecycle action had already ended (timed out or completed elsewhere)");
    }

    /// <summary>
    /// Runs one state job for this lifecycle action, at most once on the minion. Its jid is chosen here and recorded
    /// before the first publish; every retry (a lost or failed reply, a timeout, a restart that finds the record)
    /// republishes that same jid, which the minion runs once (it drops a jid among its last 100), and then waits for it.
    /// A verdict is never retried: a second run would be a second run. When the minion refuses because another state
    /// run is in progress there, nothing ran: that run is waited out (bounded by <see cref="SaltApiOptions.JobTimeout"/>,
    /// heartbeats going on), then ours goes out under a new jid, since the refused one is spent. Null when the minion did
    /// not answer the ping before a first publish.
    /// </summary>
    private async Task<StateRunResult?> RunOnceAsync(StateJob job, Work work, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        StateRunResult? run = null;
        if (job.RecordedJid is { } earlier)
        {
            // Recorded before a restart: the master may have the job (running or done), or the publish never happened.
            using (work.Jobs.WatchJob(work.MinionId, earlier))
                run = await AttemptAsync(() => work.Jobs.WaitForJobAsync(work.MinionId, earlier, resumed: true, cancellationToken), _ => true, cancellationToken);
            if (run.Status == StateRunStatus.JobUnknown)
            {
                PipelineLog.ResumedJobRepublished(logger, work.InstanceId, work.MinionId, job.Step, earlier);
                run = null;
            }
        }

        if (run is null)
        {
            if (job.PingFirst && !await work.Jobs.WaitUntilReachableAsync(work.MinionId, cancellationToken))
                return null;
            var jid = job.RecordedJid ?? await NewJidAsync(job);
            run = await PublishAndWaitAsync(job, work, jid, cancellationToken);
        }

        var busySince = timeProvider.GetTimestamp();
        var bound = saltOptions.Value.JobTimeout;
        var pause = options.Value.StepRetryDelay;
        while (run.Status == StateRunStatus.AnotherRunInProgress)
        {
            PipelineLog.AnotherRunInProgress(logger, work.InstanceId, work.MinionId, job.Step, run.RunningJid);
            if (run.RunningJid is { } other && SaltJid.IsValid(other))
            {
                using (work.Jobs.WatchJob(work.MinionId, other))
                    await AttemptAsync(() => work.Jobs.WaitForJobAsync(work.MinionId, other, resumed: true, cancellationToken), _ => true, cancellationToken);
            }

            // Always a pause before trying again, doubling: a run the master's job cache does not know (salt-call on the
            // minion, its schedule) cannot be waited for, and a minion may hold a finished run's process for a moment.
            await Task.Delay(pause, timeProvider, cancellationToken);
            pause = pause * 2 < MaxBusyPause ? pause * 2 : MaxBusyPause;

            if (timeProvider.GetElapsedTime(busySince) >= bound)
            {
                PipelineLog.StillBusy(logger, work.InstanceId, work.MinionId, job.Step, bound);
                break;
            }

            run = await PublishAndWaitAsync(job, work, await NewJidAsync(job), cancellationToken);
        }

        metrics.SaltJob(job.Step, run.Status.ToString(), timeProvider.GetElapsedTime(started));
        PipelineLog.StatesRan(logger, work.InstanceId, work.MinionId, job.Step, run.Jid, run.Status);
        return run;
    }

    private async Task<string> NewJidAsync(StateJob job)
    {
        var jid = SaltJid.New(timeProvider);
        await job.Record(jid);
        return jid;
    }

    /// <summary>
    /// Publishes under <paramref name="jid"/> and waits; a transient failure anywhere republishes the same jid. The
    /// job's return is watched for on the event stream before the first publish: it can beat the publish's reply.
    /// </summary>
    private async Task<StateRunResult> PublishAndWaitAsync(StateJob job, Work work, string jid, CancellationToken cancellationToken)
    {
        using var watch = work.Jobs.WatchJob(work.MinionId, jid);
        return await AttemptAsync(
            async () =>
            {
                var published = await job.Publish(jid);
                if (published is null)
                    return new StateRunResult(StateRunStatus.NoMatchingMinion, jid, [], $"no accepted key matched minion {work.MinionId}; nothing was published");
                if (published != jid)
                {
                    // A master that ignored our jid: the job it runs is recorded and waited for, so a redelivery finds it.
                    await job.Record(published);
                    jid = published;
                }

                return await work.Jobs.WaitForJobAsync(work.MinionId, jid, resumed: false, cancellationToken);
            },
            _ => true,
            cancellationToken);
    }

    /// <summary>
    /// Up to <see cref="PipelineOptions.StepAttempts"/> attempts while the result is not final or salt-api fails
    /// transiently; the last attempt's result or exception stands.
    /// </summary>
    private async Task<T> AttemptAsync<T>(Func<Task<T>> attempt, Func<T, bool> isFinal, CancellationToken cancellationToken)
    {
        var attempts = options.Value.StepAttempts;
        for (var i = 1; ; i++)
        {
            try
            {
                var result = await attempt();
                if (isFinal(result) || i >= attempts)
                    return result;
            }
            catch (SaltApiException e) when (e.IsTransient && i < attempts)
            {
                PipelineLog.StepRetrying(logger, i, e.Message);
            }

            await Task.Delay(options.Value.StepRetryDelay, timeProvider, cancellationToken);
        }
    }

    /// <summary>Best effort: a reactor missing an event must not fail the instance's work.</summary>
    private async Task FireAsync(string tag, Work work, string? jid, string? outcome, CancellationToken cancellationToken)
    {
        var data = new JsonObject
        {
            ["instance_id"] = work.InstanceId,
            ["minion_id"] = work.MinionId,
            ["group"] = work.Plan.Event.AutoScalingGroupName,
            ["hook"] = work.Plan.Event.LifecycleHookName,
            ["jid"] = jid,
            ["outcome"] = outcome,
            ["correlation_id"] = work.CorrelationId,
        };
        // Through one master, so reactors on the bridge's events run once: the one that did the work, else (only when the
        // call surely never reached it: a reply lost after the master fired would fire it twice) the next one.
        foreach (var master in masters.Masters.OrderBy(m => m == work.JobMaster ? 0 : 1))
        {
            try
            {
                await master.Master.FireEventAsync(tag, data, cancellationToken);
                return;
            }
            catch (SaltApiException e)
            {
                metrics.Error("event");
                PipelineLog.EventFailed(logger, tag, work.InstanceId, e.Message);
                if (!SaltApiFailures.NeverSent(e))
                    return;
            }
        }
    }

    /// <summary>A record that cannot be read is no record: the work starts over, as without a record directory.</summary>
    private async Task<ProvisioningRecord?> ReadRecordAsync(string minionId, CancellationToken cancellationToken)
    {
        try
        {
            return await records.GetAsync(minionId, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            metrics.Error("record");
            PipelineLog.RecordFailed(logger, minionId, e.Message);
            return null;
        }
    }

    /// <summary>Best effort: a record that cannot be written costs a restart its resume, not the instance its provisioning.</summary>
    private async Task SaveRecordAsync(Work work, ProvisioningRecord record, CancellationToken cancellationToken)
    {
        work.Record = await TrySaveRecordAsync(record, cancellationToken) ?? record;
    }

    /// <summary>Saves a record, logged and counted when it cannot be written: null then (an owed delete must not be lost).</summary>
    private async Task<ProvisioningRecord?> TrySaveRecordAsync(ProvisioningRecord record, CancellationToken cancellationToken)
    {
        try
        {
            return await records.SaveAsync(record, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            metrics.Error("record");
            PipelineLog.RecordFailed(logger, record.MinionId, e.Message);
            return null;
        }
    }

    private async Task RemoveRecordAsync(string minionId, CancellationToken cancellationToken)
    {
        try
        {
            await records.RemoveAsync(minionId, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            metrics.Error("record");
            PipelineLog.RecordFailed(logger, minionId, e.Message);
        }
    }

    private static string Describe(string step, StateRunResult run) => run.Status switch
    {
        StateRunStatus.MinionDidNotReturn => $"{step}{JidText(run.Jid)}: the minion did not return before the deadline",
        StateRunStatus.NoMatchingMinion => $"{step}: salt-api matched no accepted key for the minion",
        StateRunStatus.JobUnknown => $"{step}{JidText(run.Jid)}: the master does not know the job",
        StateRunStatus.AnotherRunInProgress => $"{step}{JidText(run.Jid)}: not started, another state run (jid {run.RunningJid}) was still in progress on the minion",
        _ => $"{step}{JidText(run.Jid)} failed: " + (run.FailedStates.Count > 0
            ? string.Join("; ", run.FailedStates.Take(3).Select(s => s.Comment is null ? s.Id : $"{s.Id}: {s.Comment}"))
            : run.Message ?? "no detail"),
    };

    private static string JidText(string? jid) => jid is null ? "" : $" (jid {jid})";

    /// <summary>The longest pause between two tries on a minion another state run keeps busy.</summary>
    private static readonly TimeSpan MaxBusyPause = TimeSpan.FromMinutes(5);

    /// <summary>One state job of an action: how to record its jid (before publishing) and how to publish under a jid.</summary>
    private sealed record StateJob(string Step, string? RecordedJid, Func<string, Task> Record, Func<string, Task<string?>> Publish, bool PingFirst = true);

    private sealed class Work(ActionPlan plan, string correlationId, NamedSaltMaster jobMaster)
    {
        /// <summary>The master this action's state jobs go through (and its events, first).</summary>
        public NamedSaltMaster JobMaster { get; set; } = jobMaster;

        public ISaltMaster Jobs => JobMaster.Master;

        public ActionPlan Plan { get; } = plan;

        public string CorrelationId { get; } = correlationId;

        public string InstanceId { get; } = plan.Event.InstanceId!;

        public string MinionId { get; } = plan.MinionId ?? throw new UnreachableException("an acting plan always has a minion id");

        /// <summary>The minion's provisioning record as last written (launches only).</summary>
        public ProvisioningRecord? Record { get; set; }

        public LifecycleActionIdentity Action { get; } = new(
            plan.Event.AutoScalingGroupName, plan.Event.LifecycleHookName ?? "", plan.Event.LifecycleActionToken, plan.Event.InstanceId!);
    }
}
