using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SaltApiBridge.AutoScaling;

/// <summary>Reports every problem of the AutoScaling section at once.</summary>
internal sealed partial class AutoScalingOptionsValidator : IValidateOptions<AutoScalingOptions>
{
    private static readonly TimeSpan LongestHeartbeatTimeout = TimeSpan.FromHours(2);

    public ValidateOptionsResult Validate(string? name, AutoScalingOptions options)
    {
        var failures = new List<string>();

        if (!string.IsNullOrWhiteSpace(options.Region) && !RegionName().IsMatch(options.Region))
        {
            failures.Add($"AutoScaling:Region '{options.Region}' is not an AWS region name such as eu-west-1.");
        }

        if (!string.IsNullOrWhiteSpace(options.ServiceUrl) && !IsAcceptableServiceUrl(options.ServiceUrl))
        {
            // Plain http would expose the session token (X-Amz-Security-Token) to the network.
            failures.Add($"AutoScaling:ServiceUrl '{options.ServiceUrl}' must be an absolute https URL without query (http only for a loopback address).");
        }

        if (options.HeartbeatInterval is { } interval && (interval < TimeSpan.FromSeconds(5) || interval > LongestHeartbeatTimeout))
        {
            failures.Add($"AutoScaling:HeartbeatInterval {options.HeartbeatInterval} must be between 5 seconds and 2 hours (the longest heartbeat timeout).");
        }

        if (options.HookCacheDuration < TimeSpan.Zero || options.HookCacheDuration > TimeSpan.FromHours(1))
        {
            failures.Add($"AutoScaling:HookCacheDuration {options.HookCacheDuration} must be between 0 and 1 hour.");
        }

        if (options.MaxRetryAttempts is < 1 or > 10)
        {
            failures.Add($"AutoScaling:MaxRetryAttempts {options.MaxRetryAttempts} must be between 1 and 10.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add($"AutoScaling:RetryBaseDelay {options.RetryBaseDelay} must be between 0 and 1 minute.");
        }

        if (options.AttemptTimeout < TimeSpan.FromSeconds(1) || options.AttemptTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"AutoScaling:AttemptTimeout {options.AttemptTimeout} must be between 1 second and 5 minutes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAcceptableServiceUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && string.IsNullOrEmpty(uri.Query)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)));

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$")]
    private static partial Regex RegionName();
}
