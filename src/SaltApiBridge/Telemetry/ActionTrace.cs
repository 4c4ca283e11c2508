using System.Diagnostics;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Hosting;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning.Gate;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Telemetry;

/// <summary>
/// One trace per lifecycle action, in OpenTelemetry's messaging conventions: a root span per piece of instance work
/// (its message's turn, or a takeover) to its outcome, and a child for each step that waits on someone — the accept
/// gate, the accept on each master, the wait for the minion, each state run, the completion with Auto Scaling. The
/// span names and attributes live here so the classes doing the work carry one line per span. Nothing is recorded
/// unless a listener samples the source (<see cref="TelemetryServiceCollectionExtensions"/>, Telemetry:OtlpEndpoint):
/// otherwise every Start… returns null, after one check.
/// </summary>
internal static class ActionTrace
{
    public const string SourceName = "SaltApiBridge";

    public static readonly ActivitySource Source = new(SourceName, BuildVersion.Current.Version);

    /// <summary>The queue's name: Queue:QueueName, else the last segment of Queue:QueueUrl.</summary>
    public static string Destination(QueueOptions queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (!string.IsNullOrWhiteSpace(queue.QueueName))
            return queue.QueueName;
        var url = queue.QueueUrl?.TrimEnd('/') ?? "";
        return url[(url.LastIndexOf('/') + 1)..] is { Length: > 0 } name ? name : "queue";
    }

    /// <summary>The root span of one piece of instance work, started as a new trace (never a child of whatever ran before).</summary>
    /// <param name="queue">The queue's name (<c>messaging.destination.name</c>).</param>
    public static Activity? StartAction(ActionPlan plan, WorkSource source, string queue)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(source);
        if (!Source.HasListeners())
            return null;
        // A root: the poller's or the look's context is not this action's.
        Activity.Current = null;
        var span = Source.StartActivity(source.MessageId is null ? "takeover " + queue : "process " + queue, ActivityKind.Consumer);
        if (span is null)
            return null;
        span.SetTag("messaging.system", "aws_sqs");
        span.SetTag("messaging.operation.type", "process");
        span.SetTag("messaging.operation.name", "process");
        span.SetTag("messaging.destination.name", queue);
        if (source.MessageId is { } messageId)
        {
            span.SetTag("messaging.message.id", messageId);
            span.SetTag("saltapibridge.message.receive_count", source.ReceiveCount);
        }
        else
        {
            span.SetTag("saltapibridge.takeover", true);
        }

        span.SetTag("saltapibridge.lifecycle.kind", plan.Event.Kind.ToString());
        span.SetTag("saltapibridge.instance.id", plan.Event.InstanceId);
        span.SetTag("saltapibridge.minion.id", plan.MinionId);
        span.SetTag("saltapibridge.autoscaling.group", plan.Event.AutoScalingGroupName);
        return span;
    }

    /// <summary>The work's outcome on its root span: an error when its message comes back, or when the action is abandoned.</summary>
    public static void Ended(Activity? action, WorkOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (action is null)
            return;
        action.SetTag("saltapibridge.result", outcome.Result);
        if (outcome.Disposition == MessageDisposition.RetryLater || outcome.Result == "ABANDON")
            action.SetStatus(ActivityStatusCode.Error, outcome.Summary);
    }

    /// <summary>The accept gate (the key awaited, Auto Scaling asked, the key accepted): its verdict, and the jobs' master.</summary>
    public static async Task<GateOutcome> GateAsync(Func<Task<GateOutcome>> pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        using var span = Source.StartActivity("accept gate");
        try
        {
            var outcome = await pass();
            span?.SetTag("saltapibridge.gate.verdict", outcome.Verdict.ToString());
            span?.SetTag("saltapibridge.gate.reason", outcome.Reason);
            span?.SetTag("saltapibridge.salt.master", outcome.JobMaster);
            return outcome;
        }
        catch (Exception e) when (Failed(span, e))
        {
            throw;
        }
    }

    /// <summary>The accept of the key on one master (<c>wheel key.accept_dict</c>).</summary>
    public static async Task<KeyAcceptOutcome> AcceptAsync(string master, Func<Task<KeyAcceptOutcome>> accept)
    {
        ArgumentNullException.ThrowIfNull(accept);
        using var span = Source.StartActivity("accept key", ActivityKind.Client)?.SetTag("saltapibridge.salt.master", master);
        try
        {
            var outcome = await accept();
            span?.SetTag("saltapibridge.key.outcome", outcome.ToString());
            return outcome;
        }
        catch (Exception e) when (Failed(span, e))
        {
            throw;
        }
    }

    /// <summary>Waiting for the minion to answer (its start event, or test.ping) before its first state run.</summary>
    public static async Task<bool> WaitForMinionAsync(string master, Func<Task<bool>> wait)
    {
        ArgumentNullException.ThrowIfNull(wait);
        using var span = Source.StartActivity("wait for minion")?.SetTag("saltapibridge.salt.master", master);
        try
        {
            var answered = await wait();
            span?.SetTag("saltapibridge.minion.answered", answered);
            if (!answered)
                span?.SetStatus(ActivityStatusCode.Error, "the minion did not answer");
            return answered;
        }
        catch (Exception e) when (Failed(span, e))
        {
            throw;
        }
    }

    /// <summary>A state job of the action (highstate, clean), run at most once: its jid, master and status when it ends.</summary>
    public static async Task<StateRunResult?> StateRunAsync(string step, Func<string> master, Func<Task<StateRunResult?>> run)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentNullException.ThrowIfNull(run);
        using var span = Source.StartActivity("state run " + step)?.SetTag("saltapibridge.salt.step", step);
        try
        {
            var result = await run();
            span?.SetTag("saltapibridge.salt.master", master());
            span?.SetTag("saltapibridge.salt.jid", result?.Jid);
            span?.SetTag("saltapibridge.salt.status", result?.Status.ToString() ?? "NotPublished");
            if (result is not { Succeeded: true })
                span?.SetStatus(ActivityStatusCode.Error, result?.Status.ToString() ?? "the minion did not answer; nothing was published");
            return result;
        }
        catch (Exception e) when (Failed(span, e))
        {
            throw;
        }
    }

    /// <summary>CompleteLifecycleAction with Auto Scaling.</summary>
    public static async Task<LifecycleActionOutcome> CompleteAsync(LifecycleActionResult result, Func<Task<LifecycleActionOutcome>> complete)
    {
        ArgumentNullException.ThrowIfNull(complete);
        using var span = Source.StartActivity("complete lifecycle action", ActivityKind.Client);
        span?.SetTag("rpc.system", "aws-api");
        span?.SetTag("rpc.service", "AutoScaling");
        span?.SetTag("rpc.method", "CompleteLifecycleAction");
        span?.SetTag("saltapibridge.lifecycle.result", result == LifecycleActionResult.Continue ? "CONTINUE" : "ABANDON");
        try
        {
            var outcome = await complete();
            span?.SetTag("saltapibridge.lifecycle.action_gone", outcome == LifecycleActionOutcome.ActionGone);
            return outcome;
        }
        catch (Exception e) when (Failed(span, e))
        {
            throw;
        }
    }

    /// <summary>The delete of a terminated instance's key on one master (<c>wheel key.delete_dict</c>).</summary>
    public static async Task DeleteKeyAsync(string master, Func<Task> delete)
    {
        ArgumentNullException.ThrowIfNull(delete);
        using var span = Source.StartActivity("delete key", ActivityKind.Client)?.SetTag("saltapibridge.salt.master", master);
        try
        {
            await delete();
        }
        catch (Exception e) when (Failed(span, e))
        {
            throw;
        }
    }

    /// <summary>Marks the span failed as the exception passes (a filter: the exception is not caught).</summary>
    private static bool Failed(Activity? span, Exception e)
    {
        span?.SetStatus(ActivityStatusCode.Error, e is OperationCanceledException ? "cancelled" : e.Message);
        return false;
    }
}
