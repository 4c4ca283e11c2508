using System.Net;
using System.Runtime.ExceptionServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Refit;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// One signed Query API call and the mapping of its failures, shared by every Auto Scaling client of the bridge.
/// Retries happen below, in the HTTP pipeline; what reaches this class is the final answer.
/// </summary>
internal sealed partial class QueryApiTransport(IAutoScalingQueryApi api, ILogger<QueryApiTransport> logger, DependencyOutages outages)
{
    public const string ApiVersion = "2011-01-01";

    /// <summary>What the daemon does while Auto Scaling does not answer, for its one outage warning.</summary>
    internal const string Meanwhile =
        "heartbeats are tried again at their next interval; completions and instance checks fail and their messages are retried later (a lifecycle action keeps its hook's timeout)";

    /// <summary>
    /// Posts the form; returns the status and body of AWS's final answer. A connection failure or attempt timeout
    /// becomes a transient <see cref="AutoScalingException"/>; <paramref name="subject"/> names the call in messages.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> PostAsync(
        string apiAction, string subject, IDictionary<string, string> form, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await api.CallAsync(form, cancellationToken);
        }
        catch (ApiRequestException e) when (e.InnerException is AutoScalingException inner)
        {
            // Refit wraps what the pipeline throws; the signer's own verdict (e.g. no credentials) stands as is.
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
        catch (Exception e) when (Unreachable(e, cancellationToken) is { } cause)
        {
            var message = $"Auto Scaling {apiAction} {subject} could not reach AWS: {cause.Message}";
            logger.CallUnreachable(apiAction, subject, cause.Message);
            outages.Failed(DependencyNames.AutoScaling, message, Meanwhile);
            throw new AutoScalingException(message, isTransient: true, innerException: cause);
        }

        // An answer, even a refusal or throttling, is Auto Scaling answering; a 5xx after the retries is not.
        if ((int)response.StatusCode >= 500)
            outages.Failed(DependencyNames.AutoScaling, $"Auto Scaling {apiAction} {subject} answered HTTP {(int)response.StatusCode}", Meanwhile);
        else
            outages.Answered(DependencyNames.AutoScaling);
        using (response)
        {
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }

    /// <summary>A 2xx whose body is not the action's answer (a proxy page, a wrong ServiceUrl) proves nothing.</summary>
    public static AutoScalingException NotAnAnswer(string apiAction, string subject, HttpStatusCode status) =>
        new($"Auto Scaling {apiAction} {subject}: HTTP {(int)status} without a {apiAction}Response; is AutoScaling:ServiceUrl right?",
            isTransient: false);

    /// <summary>
    /// The exception for an error answer, with advice for the usual causes. <paramref name="secret"/> (the action
    /// token) is cut out of AWS's message, which sometimes echoes request values.
    /// </summary>
    public static AutoScalingException Rejected(
        string apiAction, string subject, HttpStatusCode status, AutoScalingError? error, string? secret = null)
    {
        var code = error?.Code;
        var said = error is null
            ? $"HTTP {(int)status} without an AWS error document"
            : $"{error.Code}: {Redact(error.Message, secret)}";
        var what = $"Auto Scaling {apiAction} {subject}";

        if (AutoScalingRetryPolicy.IsTransient(status, code))
        {
            return new AutoScalingException($"{what} failed after retries ({said}); try again later.", isTransient: true, code);
        }

        var message = code switch
        {
            "ExpiredToken" or "ExpiredTokenException" =>
                $"{what}: the bridge's AWS credentials have expired; check its credential source (instance role, web identity, profile). AWS said {said}",
            "RequestExpired" =>
                $"{what}: AWS says the request's time is too far from its clock; check the system clock (NTP). AWS said {said}",
            "InvalidClientTokenId" or "UnrecognizedClientException" =>
                $"{what}: AWS does not know the bridge's access key; check its credentials. AWS said {said}",
            "SignatureDoesNotMatch" or "IncompleteSignature" or "MissingAuthenticationToken" =>
                $"{what}: AWS rejected the request signature; check the secret key and that AutoScaling:Region matches the endpoint. AWS said {said}",
            "AccessDenied" or "AccessDeniedException" or "UnauthorizedOperation" or "UnauthorizedAccess" =>
                AccessDenied(apiAction, error!, said),
            _ when status == HttpStatusCode.Forbidden =>
                $"{what}: AWS refused it (HTTP 403); autoscaling:{apiAction} may be missing from the bridge's IAM policy. AWS said {said}",
            _ => $"{what} was rejected: {said}",
        };
        return new AutoScalingException(message, isTransient: false, code ?? $"Http{(int)status}");
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

    private static string AccessDenied(string apiAction, AutoScalingError error, string said)
    {
        var principal = Principal().Match(error.Message) is { Success: true } match ? match.Groups[1].Value : "the bridge's AWS identity";
        return $"autoscaling:{apiAction} is not allowed for {principal}: add it to the bridge's IAM policy. AWS said {said}";
    }

    private static string Redact(string message, string? secret) =>
        string.IsNullOrEmpty(secret) ? message : message.Replace(secret, "<token>", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"User: (\S+) is not authorized")]
    private static partial Regex Principal();
}
