using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Pipeline;

/// <summary>
/// Carries out one plan for one instance through salt-api and the Auto Scaling API, firing a Salt event at each step.
/// Decides the message's fate from the outcome; never throws (but for cancellation by the caller's token, which it
/// turns into <see cref="MessageDisposition.Release"/>).
/// </summary>
internal sealed class InstanceWorkHandler(
    ISaltMaster salt,
    ILifecycleActionClient lifecycle,
    HeartbeatKeeper heartbeats,
    IOptions<PipelineOptions> options,
    TimeProvider timeProvider,
    BridgeMetrics metrics,
    ILogger<InstanceWorkHandler> logger)
{
    public async Task<WorkOutcome> HandleAsync(ActionPlan plan, string correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var work = new Work(plan, correlationId);
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

    private async Task<WorkOutcome> LaunchAsync(Work work, CancellationToken cancellationToken)
    {
        await FireAsync(BridgeEventTags.Launching, work, null, null, cancellationToken);
        var complete = work.Plan.Steps.Single(s => s.Kind == PlannedStepKind.CompleteLifecycleAction);
        string? failure = null;
        string? jid = null;

        await using (var lease = heartbeats.Start(work.Action, cancellationToken))
        {
            var accept = await AttemptAsync(() => salt.AcceptKeyAsync(work.MinionId, cancellationToken), r => r is KeyAcceptOutcome.Accepted or KeyAcceptOutcome.AlreadyAccepted, cancellationToken);
            switch (accept)
            {
                case KeyAcceptOutcome.Accepted or KeyAcceptOutcome.AlreadyAccepted:
                    PipelineLog.KeyAccepted(logger, work.InstanceId, work.MinionId, accept == KeyAcceptOutcome.AlreadyAccepted);
                    await FireAsync(BridgeEventTags.KeyAccepted, work, null, accept.ToString(), cancellationToken);
                    break;
                case KeyAcceptOutcome.Refused:
                    failure = $"the key of {work.MinionId} is rejected or denied; the bridge never overrides that";
                    await FireAsync(BridgeEventTags.Refused, work, null, "key_rejected", cancellationToken);
                    break;
                default:
                    failure = $"no key for {work.MinionId} arrived in time (the minion never started, or its id is not the expected one)";
                    break;
            }

            if (failure is null && work.Plan.Steps.Any(s => s.Kind == PlannedStepKind.Highstate))
            {
                if (!await salt.WaitUntilReachableAsync(work.MinionId, cancellationToken))
                {
                    failure = $"{work.MinionId} did not answer test.ping after its key was accepted";
                }
                else
                {
                    var run = await RunStatesAsync("highstate", work, () => salt.RunHighstateAsync(work.MinionId, cancellationToken), cancellationToken);
                    jid = run.Jid;
                    if (!run.Succeeded)
                        failure = Describe("highstate", run);
                }
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

    private async Task<WorkOutcome> TerminateAsync(Work work, CancellationToken cancellationToken)
    {
        await FireAsync(BridgeEventTags.Terminating, work, null, null, cancellationToken);
        var clean = work.Plan.Steps.FirstOrDefault(s => s.Kind == PlannedStepKind.ApplyStates);
        string? failure = null;
        string? jid = null;
        if (clean is not null)
        {
            await using var lease = heartbeats.Start(work.Action, cancellationToken);
            try
            {
                var run = await RunStatesAsync("clean", work, () => salt.ApplyStatesAsync(work.MinionId, clean.States!, null, cancellationToken), cancellationToken);
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

    private async Task<WorkOutcome> DeleteKeyAsync(Work work, CancellationToken cancellationToken)
    {
        await AttemptAsync(async () => { await salt.DeleteKeyAsync(work.MinionId, cancellationToken); return true; }, _ => true, cancellationToken);
        PipelineLog.KeyDeleted(logger, work.InstanceId, work.MinionId);
        await FireAsync(BridgeEventTags.KeyDeleted, work, null, "deleted", cancellationToken);
        return WorkOutcome.Done("key deleted", $"key {work.MinionId} deleted");
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

    private async Task<StateRunResult> RunStatesAsync(string step, Work work, Func<Task<StateRunResult>> run, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var result = await AttemptAsync(run, r => r.Succeeded || r.Status is StateRunStatus.MinionDidNotReturn or StateRunStatus.NoMatchingMinion, cancellationToken);
        metrics.SaltJob(step, result.Status.ToString(), timeProvider.GetElapsedTime(started));
        PipelineLog.StatesRan(logger, work.InstanceId, work.MinionId, step, result.Jid, result.Status);
        return result;
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
        try
        {
            await salt.FireEventAsync(tag, data, cancellationToken);
        }
        catch (SaltApiException e)
        {
            metrics.Error("event");
            PipelineLog.EventFailed(logger, tag, work.InstanceId, e.Message);
        }
    }

    private static string Describe(string step, StateRunResult run) => run.Status switch
    {
        StateRunStatus.MinionDidNotReturn => $"{step}{JidText(run.Jid)}: the minion did not return before the deadline",
        StateRunStatus.NoMatchingMinion => $"{step}: salt-api matched no accepted key for the minion",
        _ => $"{step}{JidText(run.Jid)} failed: " + (run.FailedStates.Count > 0
            ? string.Join("; ", run.FailedStates.Take(3).Select(s => s.Comment is null ? s.Id : $"{s.Id}: {s.Comment}"))
            : run.Message ?? "no detail"),
    };

    private static string JidText(string? jid) => jid is null ? "" : $" (jid {jid})";

    private sealed class Work(ActionPlan plan, string correlationId)
    {
        public ActionPlan Plan { get; } = plan;

        public string CorrelationId { get; } = correlationId;

        public string InstanceId { get; } = plan.Event.InstanceId!;

        public string MinionId { get; } = plan.MinionId ?? throw new UnreachableException("an acting plan always has a minion id");

        public LifecycleActionIdentity Action { get; } = new(
            plan.Event.AutoScalingGroupName, plan.Event.LifecycleHookName ?? "", plan.Event.LifecycleActionToken, plan.Event.InstanceId!);
    }
}
