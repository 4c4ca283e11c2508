using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Pipeline;

/// <summary>
/// SQS → parse → validate and plan → per-instance turn (order, de-duplicate, lease: <see cref="InstanceTurns"/>) → handlers → acknowledge.
/// <list type="bullet">
/// <item>Concurrency is bounded by the in-flight slots the pollers take before receiving: at most
/// <see cref="PipelineOptions.MaxInFlight"/> messages exist in the pipeline, so the Merge below never grows past it.</item>
/// <item>Work for one instance runs strictly in arrival order: a terminate that arrives while its launch runs waits
/// for the launch to complete its lifecycle action (Auto Scaling does not terminate an instance in Pending:Wait, so
/// waiting costs nothing and never leaves a launch half-done).</item>
/// <item>No message ends the stream: every failure becomes a disposition for that message alone.</item>
/// </list>
/// </summary>
internal sealed class LifecyclePipeline(
    IMessageQueue queue,
    InstanceTurns turns,
    ActionPlanner planner,
    IOptions<PipelineOptions> pipelineOptions,
    IOptions<QueueOptions> queueOptions,
    TimeProvider timeProvider,
    IScheduler scheduler,
    BridgeMetrics metrics,
    ILogger<LifecyclePipeline> logger)
{
    private readonly PipelineOptions options = pipelineOptions.Value;
    /// <summary>Doubles per receive, so a message that keeps failing backs off until the redrive policy takes it.</summary>
    private readonly BackoffPolicy redelivery = BackoffPolicy.Exponential(pipelineOptions.Value.RetryBackoff, pipelineOptions.Value.MaxRetryBackoff);
    private readonly ConcurrentDictionary<Task, byte> running = new();
    private int inFlight;

    /// <summary>Messages received and not yet settled.</summary>
    public int InFlight => Volatile.Read(ref inFlight);

    /// <summary>Raised after each message is settled (for the demo's progress view and tests).</summary>
    public event Action<SettledMessage>? Settled;

    /// <summary>
    /// Runs until <paramref name="stopPolling"/> and all in-flight work ends. Cancelling <paramref name="abortWork"/>
    /// interrupts that work, whose messages are then released to other replicas.
    /// Throws <see cref="QueueUnavailableException"/> when the queue cannot be used at all.
    /// </summary>
    public async Task RunAsync(CancellationToken stopPolling, CancellationToken abortWork)
    {
        var queueSettings = queueOptions.Value;
        using var slots = new InFlightLimiter(options.MaxInFlight);
        await using var acknowledger = new Acknowledger(queue, options.DeleteBatchWindow, scheduler, logger);
        var keeper = new VisibilityKeeper(queue, TimeSpan.FromSeconds(queueSettings.VisibilityTimeoutSeconds), options.VisibilityExtensionInterval, timeProvider, logger);
        using var keeping = new CancellationTokenSource();
        var keeperLoop = keeper.RunAsync(keeping.Token);
        var source = new MessageSource(queue, slots, queueSettings.Pollers, queueSettings.MaxMessages, timeProvider, logger);
        try
        {
            await source.Messages(stopPolling)
                // Started as it arrives (as FromAsync would be, subscribed at once by Merge), with no per-message
                // closure for the work's lifetime: the received message, body included, is not kept by the stream.
                .Select(message => Track(ProcessAsync(message, slots, acknowledger, keeper, abortWork)).ToObservable())
                .Merge()
                .DefaultIfEmpty()
                .ToTask(CancellationToken.None);
        }
        finally
        {
            // On a fatal queue error the stream ends early: let the work already started settle its messages.
            await Task.WhenAll(running.Keys);
            await keeping.CancelAsync();
            await keeperLoop;
        }
    }

    private async Task Track(Task task)
    {
        running.TryAdd(task, 0);
        try
        {
            await task;
        }
        finally
        {
            running.TryRemove(task, out _);
        }
    }

    private async Task ProcessAsync(QueueMessage message, InFlightLimiter slots, Acknowledger acknowledger, VisibilityKeeper keeper, CancellationToken abortWork)
    {
        Interlocked.Increment(ref inFlight);
        var body = message.Body;
        // The body (kilobytes through SNS) is read once, by the parser below; the message is kept without it for the
        // minutes its work may take (a scale-out holds a thousand).
        message = message with { Body = "" };
        keeper.Track(message);
        WorkOutcome outcome;
        ActionPlan? plan = null;
        try
        {
            (plan, outcome) = await DecideAsync(message, LifecycleMessageParser.Parse(body, message.MessageId), abortWork);
        }
        catch (Exception e)
        {
            // DecideAsync handles every expected failure; this keeps a bug from losing the message or the stream.
            metrics.Error("unexpected");
            PipelineLog.UnexpectedFailure(logger, "-", "-", e);
            outcome = WorkOutcome.Retry("unexpected error: " + e.Message);
        }
        finally
        {
            keeper.Untrack(message);
        }

        try
        {
            await SettleAsync(message, plan, outcome, acknowledger);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
            slots.Release();
        }

        Settled?.Invoke(new SettledMessage(message, plan, outcome));
    }

    private async Task<(ActionPlan? Plan, WorkOutcome Outcome)> DecideAsync(QueueMessage message, ParseResult parsed, CancellationToken abortWork)
    {
        if (!parsed.IsSuccess)
        {
            metrics.Received("unparseable");
            metrics.Rejected("unparseable");
            PipelineLog.Rejected(logger, message.MessageId, parsed.RejectReason);
            return (null, WorkOutcome.Done("rejected", parsed.RejectReason));
        }

        var plan = planner.Plan(parsed.Event);
        metrics.Received(parsed.Event.Kind.ToString());
        switch (plan.Verdict)
        {
            case PlanVerdict.Reject:
                metrics.Rejected("invalid");
                PipelineLog.Rejected(logger, message.MessageId, plan.Reason!);
                return (plan, WorkOutcome.Done("rejected", plan.Reason!));
            case PlanVerdict.AcknowledgeOnly:
                PipelineLog.Acknowledged(logger, message.MessageId, parsed.Event.Kind.ToString(), plan.Reason!);
                return (plan, WorkOutcome.Done("acknowledged", plan.Reason!));
        }

        return (plan, await turns.RunAsync(plan, WorkSource.Of(message, parsed.Event.LifecycleActionToken), abortWork));
    }

    private async Task SettleAsync(QueueMessage message, ActionPlan? plan, WorkOutcome outcome, Acknowledger acknowledger)
    {
        var kind = plan?.Event.Kind.ToString() ?? "Unparseable";
        var instance = plan?.Event.InstanceId ?? "-";
        var minion = plan?.MinionId ?? "-";
        // The action's last line (finished, or retried) is found with the others (InstanceTurns' scope).
        using var scope = plan?.Verdict == PlanVerdict.Act ? PipelineLog.WorkScope(logger, instance, minion, message.MessageId) : null;
        switch (outcome.Disposition)
        {
            case MessageDisposition.Delete:
                if (await acknowledger.DeleteAsync(message))
                    metrics.Deleted(outcome.Result);
                if (plan?.Verdict == PlanVerdict.Act)
                    PipelineLog.WorkFinished(logger, kind, instance, minion, outcome.Summary);
                break;
            case MessageDisposition.RetryLater:
                var delay = outcome.Delay ?? redelivery.Delay(message.ReceiveCount);
                // Names the message: this line is the reason for one that ends in the dead-letter queue.
                PipelineLog.WorkRetrying(logger, kind, instance, minion, message.MessageId, message.ReceiveCount, delay, outcome.Summary);
                await ChangeVisibilityAsync(message, delay);
                break;
            case MessageDisposition.Release:
                await ChangeVisibilityAsync(message, TimeSpan.Zero);
                break;
        }
    }

    private async Task ChangeVisibilityAsync(QueueMessage message, TimeSpan visibility)
    {
        try
        {
            // Not cancelled by shutdown: releasing a message is part of shutting down well.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), timeProvider);
            await queue.ChangeVisibilityAsync([message], visibility, timeout.Token);
        }
        catch (Exception e)
        {
            QueueLog.ReleaseFailed(logger, 1, e.Message);
        }
    }
}
