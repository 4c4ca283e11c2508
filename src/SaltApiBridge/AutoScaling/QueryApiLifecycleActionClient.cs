using Microsoft.Extensions.Logging;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// <see cref="ILifecycleActionClient"/> over the Auto Scaling Query API (AWSSDK.AutoScaling is not available to us).
/// </summary>
internal sealed class QueryApiLifecycleActionClient(
    QueryApiTransport transport, ILogger<QueryApiLifecycleActionClient> logger) : ILifecycleActionClient
{
    public const string CompleteAction = "CompleteLifecycleAction";
    public const string HeartbeatAction = "RecordLifecycleActionHeartbeat";

    private const string NoActiveAction = "No active Lifecycle Action found";

    public Task<LifecycleActionOutcome> CompleteAsync(
        LifecycleActionIdentity action, LifecycleActionResult result, CancellationToken cancellationToken) =>
        CallAsync(CompleteAction, action, result, cancellationToken);

    public Task<LifecycleActionOutcome> RecordHeartbeatAsync(LifecycleActionIdentity action, CancellationToken cancellationToken) =>
        CallAsync(HeartbeatAction, action, null, cancellationToken);

    /// <summary>The form fields, in the order AWS documents them. The token is preferred: it names this very action.</summary>
    internal static Dictionary<string, string> BuildForm(
        string apiAction, LifecycleActionIdentity action, LifecycleActionResult? result)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Action"] = apiAction,
            ["Version"] = QueryApiTransport.ApiVersion,
            ["AutoScalingGroupName"] = action.AutoScalingGroupName,
            ["LifecycleHookName"] = action.LifecycleHookName,
        };
        if (string.IsNullOrEmpty(action.LifecycleActionToken))
        {
            form["InstanceId"] = action.InstanceId;
        }
        else
        {
            form["LifecycleActionToken"] = action.LifecycleActionToken;
        }

        if (result is { } value)
        {
            form["LifecycleActionResult"] = value switch
            {
                LifecycleActionResult.Continue => "CONTINUE",
                LifecycleActionResult.Abandon => "ABANDON",
                _ => throw new ArgumentOutOfRangeException(nameof(result), value, "Unknown lifecycle action result."),
            };
        }

        return form;
    }

    private async Task<LifecycleActionOutcome> CallAsync(
        string apiAction, LifecycleActionIdentity action, LifecycleActionResult? result, CancellationToken cancellationToken)
    {
        var subject = "for instance " + action.InstanceId;
        var (status, body) = await transport.PostAsync(apiAction, subject, BuildForm(apiAction, action, result), cancellationToken);
        if ((int)status is >= 200 and < 300)
        {
            if (!AutoScalingXml.TryParseSuccess(body, apiAction, out var requestId))
            {
                throw QueryApiTransport.NotAnAnswer(apiAction, subject, status);
            }

            logger.CallAccepted(apiAction, action.InstanceId, action.AutoScalingGroupName, action.LifecycleHookName, requestId);
            return LifecycleActionOutcome.Done;
        }

        var error = AutoScalingXml.TryParseError(body);
        if (error is { Code: "ValidationError" } && error.Message.StartsWith(NoActiveAction, StringComparison.OrdinalIgnoreCase))
        {
            logger.ActionGone(apiAction, action.InstanceId, action.AutoScalingGroupName, action.LifecycleHookName, error.RequestId);
            return LifecycleActionOutcome.ActionGone;
        }

        // AWS echoes request values in some messages; the action token must not reach logs.
        var exception = QueryApiTransport.Rejected(apiAction, subject, status, error, action.LifecycleActionToken);
        logger.CallFailed(apiAction, action.InstanceId, exception.ErrorCode ?? "(no code)", (int)status,
            exception.IsTransient, error?.RequestId);
        throw exception;
    }
}
