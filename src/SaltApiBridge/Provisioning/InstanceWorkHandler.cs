using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

/// <summary>
/// Carries out one plan for one instance (<see cref="LaunchWork"/>, <see cref="TerminateWork"/>, <see cref="KeyDeletion"/>)
/// and decides the message's fate from the outcome: every failure becomes a disposition, never an exception to the
/// caller (but for cancellation by the caller's token, which becomes <see cref="MessageDisposition.Release"/>).
/// </summary>
internal sealed class InstanceWorkHandler(
    LaunchWork launch,
    TerminateWork terminate,
    KeyDeletion keyDeletion,
    RecordKeeper records,
    SaltMasterSet masters,
    BridgeMetrics metrics,
    IOptions<PipelineOptions> options,
    ILogger<InstanceWorkHandler> logger)
{
    public async Task<WorkOutcome> HandleAsync(ActionPlan plan, WorkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        var work = new InstanceWork(plan, request.CorrelationId, masters.Primary, request.ActionKey ?? ProvisioningRecord.KeyOf(plan.Event.LifecycleActionToken))
        {
            Progress = request.Progress,
        };
        try
        {
            var outcome = plan.Event.Kind switch
            {
                LifecycleEventKind.Launching => await launch.RunAsync(work, cancellationToken),
                LifecycleEventKind.Terminating => await terminate.RunAsync(work, cancellationToken),
                LifecycleEventKind.Terminated => await keyDeletion.RunAsync(work, cancellationToken),
                _ => WorkOutcome.Done("acknowledged", plan.Reason ?? "nothing to do"),
            };
            if (outcome.Disposition == MessageDisposition.Delete)
                await FinishAsync(work, cancellationToken);
            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ProvisioningLog.WorkInterrupted(logger, work.InstanceId, work.MinionId);
            return WorkOutcome.Released("interrupted by shutdown; released to another replica");
        }
        catch (SaltApiException e)
        {
            metrics.Error(e.IsTransient ? "salt_api_transient" : "salt_api");
            ProvisioningLog.SaltApiFailed(logger, work.InstanceId, work.MinionId, e.Message);
            return WorkOutcome.Retry("salt-api: " + e.Message);
        }
        catch (RecordConflictException)
        {
            // Another replica wrote the record since it was read: never overwritten; the message comes back and the work
            // is decided again from what is stored.
            metrics.Error("record_conflict");
            ProvisioningLog.RecordConflict(logger, work.InstanceId, work.MinionId);
            return WorkOutcome.Retry("the provisioning record changed under this replica", options.Value.LockedRetryDelay);
        }
        catch (CoordinationStoreException e)
        {
            metrics.Error(e.IsTransient ? "store_transient" : "store");
            ProvisioningLog.StoreFailed(logger, work.InstanceId, work.MinionId, e.Message);
            return WorkOutcome.Retry("coordination store: " + e.Message);
        }
        catch (AutoScalingException e)
        {
            metrics.Error(e.IsTransient ? "autoscaling_transient" : "autoscaling");
            ProvisioningLog.AutoScalingFailed(logger, work.InstanceId, work.MinionId, e.Message);
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
    /// The action is over: nothing left for a takeover to resume. Best effort: the outcome stands either way, and a
    /// takeover of a finished action finds it gone at its first Auto Scaling look.
    /// </summary>
    private async Task FinishAsync(InstanceWork work, CancellationToken cancellationToken)
    {
        try
        {
            await records.FinishAsync(work, cancellationToken);
        }
        catch (Exception e) when (e is RecordConflictException or CoordinationStoreException or OperationCanceledException)
        {
            ProvisioningLog.StoreFailed(logger, work.InstanceId, work.MinionId, "the finished action could not be marked finished: " + e.Message);
        }
    }
}
