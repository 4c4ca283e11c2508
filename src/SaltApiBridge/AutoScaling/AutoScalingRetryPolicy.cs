using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace SaltApiBridge.AutoScaling;

/// <summary>Which Auto Scaling answers are worth another (freshly signed) attempt.</summary>
internal static class AutoScalingRetryPolicy
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "ResourceContention", "ServiceUnavailable", "InternalFailure",
    };

    public static bool IsTransient(HttpStatusCode status, string? errorCode) =>
        (int)status >= 500 || status == HttpStatusCode.TooManyRequests || (errorCode is not null && TransientCodes.Contains(errorCode));

    public static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        if (args.Outcome.Exception is { } exception)
        {
            // The caller's own cancellation is not an error to retry; an attempt timing out is.
            return exception is HttpRequestException or TimeoutRejectedException;
        }

        if (args.Outcome.Result is not { } response || response.IsSuccessStatusCode)
        {
            return false;
        }

        if (IsTransient(response.StatusCode, null))
        {
            return true;
        }

        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return false;
        }

        // Throttling comes as a 400: the code is in the body. Buffer it so the caller can still read it.
        await response.Content.LoadIntoBufferAsync(args.Context.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(args.Context.CancellationToken);
        return AutoScalingXml.TryParseError(body) is { } error && IsTransient(response.StatusCode, error.Code);
    }

    public static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? e.GetType().Name : $"HTTP {(int)outcome.Result!.StatusCode}";
}
