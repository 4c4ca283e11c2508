using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Queue;
using SaltApiBridge.Status;
using SaltApiBridge.Telemetry;

namespace SaltApiBridge.Pipeline;

/// <summary>
/// Runs work for an instance in its turn: after any earlier work for it in this process (<see cref="InstanceSerializer"/>),
/// unless it is known finished (here or by another replica), and under the instance's lease, so no other replica works
/// on it meanwhile. A lease that is lost while the work runs stops it before its next call; the work is then decided
/// again when its message comes back. Every failure becomes an outcome, never an exception. Each piece of work is one
/// trace (<see cref="ActionTrace"/>) and one log scope (instance, minion and message ids) from its arrival to its outcome.
/// </summary>
internal sealed class InstanceTurns(
    InstanceWorkHandler handler,
    ActionPlanner planner,
    ILeases leases,
    IFinishedWork finished,
    WorkBoard board,
    IOptions<PipelineOptions> options,
    IOptions<CoordinationOptions> coordination,
    IOptions<QueueOptions> queue,
    BridgeMetrics metrics,
    ILogger<InstanceTurns> logger)
{
    /// <summary>The result of a takeover that this configuration cannot carry out; its message decides instead.</summary>
    public const string NotResumable = "not resumable";

    private readonly InstanceSerializer serializer = new();
    private readonly string queueName = ActionTrace.Destination(queue.Value);

    public async Task<WorkOutcome> RunAsync(ActionPlan plan, WorkSource source, CancellationToken abortWork)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(source);
        // Both flow into the turn (the serializer's continuation runs in this context), however long it waits.
        using var action = ActionTrace.StartAction(plan, source, queueName);
        using var scope = PipelineLog.WorkScope(logger, plan.Event.InstanceId!, plan.MinionId!, source.Name);
        var outcome = await serializer.RunAsync(plan.Event.InstanceId!, () => TakeTurnAsync(plan, source, abortWork));
        ActionTrace.Ended(action, outcome);
        return outcome;
    }

    /// <summary>
    /// Resumes a lifecycle action in progress from its record, without its message: the replica that took it on is gone
    /// (its lease ran out, or this host restarted). Its message, when it comes back, is then known as finished.
    /// </summary>
    public async Task<WorkOutcome> ResumeAsync(ProvisioningRecord record, CancellationToken abortWork)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.InProgressEvent() is not { } lifecycleEvent)
            return WorkOutcome.Done("acknowledged", "no action in progress");
        var plan = planner.Plan(lifecycleEvent);
        if (plan.Verdict != PlanVerdict.Act || plan.MinionId != record.MinionId)
        {
            // The configuration changed since (a group left Bridge:Groups, another minion id template): its message decides.
            var why = plan.Reason ?? $"the minion id would now be {plan.MinionId}";
            PipelineLog.TakeoverImpossible(logger, record.InstanceId, record.MinionId, why);
            return new WorkOutcome(MessageDisposition.RetryLater, NotResumable, why);
        }

        PipelineLog.TakingOver(logger, lifecycleEvent.Kind.ToString(), record.InstanceId, record.MinionId, record.InProgress!.Replica ?? "an earlier process");
        return await RunAsync(plan, WorkSource.Takeover(record, coordination.Value.EffectiveReplicaName), abortWork);
    }

    /// <summary>Runs in the instance's turn: duplicates are recognised only now, after any earlier copy has finished.</summary>
    private async Task<WorkOutcome> TakeTurnAsync(ActionPlan plan, WorkSource source, CancellationToken abortWork)
    {
        try
        {
            foreach (var key in source.FinishedKeys)
            {
                if (await finished.ContainsAsync(key, abortWork))
                {
                    PipelineLog.Duplicate(logger, source.Name, plan.Event.InstanceId!);
                    return WorkOutcome.Done("duplicate", "duplicate of finished work");
                }
            }

            if (abortWork.IsCancellationRequested)
                return WorkOutcome.Released("not started: shutting down");

            await using var held = await leases.TryAcquireAsync(LeaseKey.Instance(plan.MinionId!), abortWork);
            if (held is null)
            {
                PipelineLog.InstanceLocked(logger, plan.MinionId!, source.Name, options.Value.LockedRetryDelay);
                return WorkOutcome.Retry("another replica is working on this instance", options.Value.LockedRetryDelay);
            }

            var outcome = await WorkAsync(plan, source, held, abortWork);
            if (outcome.Disposition == MessageDisposition.Delete)
                await RememberAsync(source);
            return outcome;
        }
        catch (CoordinationStoreException e)
        {
            // No new instance work while the store cannot say who works on what: the message goes back.
            metrics.Error(e.IsTransient ? "store_transient" : "store");
            PipelineLog.StoreUnavailable(logger, plan.Event.InstanceId!, source.Name, e.Message);
            return WorkOutcome.Retry("coordination store: " + e.Message);
        }
    }

    private async Task<WorkOutcome> WorkAsync(ActionPlan plan, WorkSource source, ILease held, CancellationToken abortWork)
    {
        var instance = plan.Event.InstanceId!;
        if (source.MessageId is null)
            PipelineLog.WorkResuming(logger, plan.Event.Kind.ToString(), instance, plan.MinionId!);
        else
            PipelineLog.WorkStarting(logger, plan.Event.Kind.ToString(), instance, plan.MinionId!, source.MessageId, source.ReceiveCount);
        var progress = board.Start(plan.Event.Kind, instance, plan.MinionId!, source.MessageId, source.ReceiveCount);
        metrics.WorkStarted();
        WorkOutcome outcome;
        try
        {
            // A lease that cannot be lost (a process or file lease) needs no linked source: a daemon may hold a thousand.
            using var working = held.Lost.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(abortWork, held.Lost) : null;
            outcome = await handler.HandleAsync(plan, new WorkRequest(source.CorrelationId, source.ActionKey, progress), working?.Token ?? abortWork);
        }
        finally
        {
            metrics.WorkEnded();
        }

        if (outcome.Disposition == MessageDisposition.Release && held.Lost.IsCancellationRequested && !abortWork.IsCancellationRequested)
        {
            // Not a shutdown: this replica could not renew its lease in time, and stopped before its next call.
            metrics.Error("lease_lost");
            PipelineLog.LeaseLost(logger, instance, plan.MinionId!);
            outcome = WorkOutcome.Retry("the instance's lease could not be renewed in time; stopped before the next call", options.Value.LockedRetryDelay);
        }

        board.Finish(progress, outcome.Result, outcome.Summary);
        return outcome;
    }

    /// <summary>Best effort: a duplicate that is not recognised finds its action gone at its first Auto Scaling look.</summary>
    private async Task RememberAsync(WorkSource source)
    {
        try
        {
            foreach (var key in source.FinishedKeys)
                await finished.AddAsync(key, CancellationToken.None);
        }
        catch (CoordinationStoreException e)
        {
            metrics.Error("store_transient");
            PipelineLog.StoreUnavailable(logger, "-", source.Name, "finished work not remembered: " + e.Message);
        }
    }
}
