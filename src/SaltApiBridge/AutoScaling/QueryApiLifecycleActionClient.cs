using System.Net;
using System.Runtime.ExceptionServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Refit;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// <see cref="ILifecycleActionClient"/> over the Auto Scaling Query API (AWSSDK.AutoScaling is not available to us).
/// Retries happen below, in the HTTP pipeline; what reaches this class is the final answer.
/// </summary>
internal sealed partial class QueryApiLifecycleActionClient(
    IAutoScalingQueryApi api, ILogger<QueryApiLifecycleActionClient> logger) : ILifecycleActionClient
{
    public const string CompleteAction = "CompleteLifecycleAction";
    public const string HeartbeatAction = "RecordLifecycleActionHeartbeat";
    public const string ApiVersion = "2011-01-01";

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
            ["Version"] = ApiVersion,
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
        HttpResponseMessage response;
        try
        {
            response = await api.CallAsync(BuildForm(apiAction, action, result), cancellationToken);
        }
        catch (ApiRequestException e) when (e.InnerException is AutoScalingException inner)
        {
            // Refit wraps what the pipeline throws; the signer's own verdict (e.g. no credentials) stands as is.
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
        catch (Exception e) when (Unreachable(e, cancellationToken) is { } cause)
        {
            logger.CallUnreachable(apiAction, action.InstanceId, cause);
            throw new AutoScalingException(
                $"Auto Scaling {apiAction} for instance {action.InstanceId} could not reach AWS: {cause.Message}",
                isTransient: true, innerException: cause);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                if (!AutoScalingXml.TryParseSuccess(body, apiAction, out var requestId))
                {
                    // A 200 that is not Auto Scaling's answer (a proxy page, a wrong ServiceUrl) proves nothing.
                    throw new AutoScalingException(
                        $"Auto Scaling {apiAction} for instance {action.InstanceId}: HTTP {(int)response.StatusCode} without a {apiAction}Response; is AutoScaling:ServiceUrl right?",
                        isTransient: false);
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

            var exception = ToException(apiAction, action, response.StatusCode, error);
            logger.CallFailed(apiAction, action.InstanceId, exception.ErrorCode ?? "(no code)", (int)response.StatusCode,
                exception.IsTransient, error?.RequestId);
            throw exception;
        }
    }

    /// <summary>The connection failure or attempt timeout behind <paramref name="e"/>, unwrapping Refit's wrapper.</summary>
    private static Exception? Unreachable(Exception e, CancellationToken cancellationToken)
    {
        var cause = e is ApiRequestException { InnerException: { } inner } ? inner : e;
        return cause is HttpRequestException or TimeoutRejectedException
               || (cause is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            ? cause
            : null;
    }

    private static AutoScalingException ToException(
        string apiAction, LifecycleActionIdentity action, HttpStatusCode status, AutoScalingError? error)
    {
        var code = error?.Code;
        // AWS echoes request values in some messages; the action token must not reach logs.
        var said = error is null
            ? $"HTTP {(int)status} without an AWS error document"
            : $"{error.Code}: {Redact(error.Message, action)}";
        var subject = $"Auto Scaling {apiAction} for instance {action.InstanceId}";

        if (AutoScalingRetryPolicy.IsTransient(status, code))
        {
            return new AutoScalingException($"{subject} failed after retries ({said}); try again later.", isTransient: true, code);
        }

        var message = code switch
        {
            "ExpiredToken" or "ExpiredTokenException" =>
                $"{subject}: the bridge's AWS credentials have expired; check its credential source (instance role, web identity, profile). AWS said {said}",
            "RequestExpired" =>
                $"{subject}: AWS says the request's time is too far from its clock; check the system clock (NTP). AWS said {said}",
            "InvalidClientTokenId" or "UnrecognizedClientException" =>
                $"{subject}: AWS does not know the bridge's access key; check its credentials. AWS said {said}",
            "SignatureDoesNotMatch" or "IncompleteSignature" or "MissingAuthenticationToken" =>
                $"{subject}: AWS rejected the request signature; check the secret key and that AutoScaling:Region matches the endpoint. AWS said {said}",
            "AccessDenied" or "AccessDeniedException" or "UnauthorizedOperation" or "UnauthorizedAccess" =>
                AccessDenied(apiAction, error!, said),
            _ when status == HttpStatusCode.Forbidden =>
                $"{subject}: AWS refused it (HTTP 403); autoscaling:{apiAction} may be missing from the bridge's IAM policy. AWS said {said}",
            _ => $"{subject} was rejected: {said}",
        };
        return new AutoScalingException(message, isTransient: false, code ?? $"Http{(int)status}");
    }

    private static string AccessDenied(string apiAction, AutoScalingError error, string said)
    {
        var principal = Principal().Match(error.Message) is { Success: true } match ? match.Groups[1].Value : "the bridge's AWS identity";
        return $"autoscaling:{apiAction} is not allowed for {principal}: add it to the bridge's IAM policy. AWS said {said}";
    }

    private static string Redact(string message, LifecycleActionIdentity action) =>
        string.IsNullOrEmpty(action.LifecycleActionToken)
            ? message
            : message.Replace(action.LifecycleActionToken, "<token>", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"User: (\S+) is not authorized")]
    private static partial Regex Principal();
}
