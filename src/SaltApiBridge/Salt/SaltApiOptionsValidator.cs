using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SaltApiBridge.Salt;

/// <summary>Checks <see cref="SaltApiOptions"/> and reports every problem at once.</summary>
internal sealed partial class SaltApiOptionsValidator : IValidateOptions<SaltApiOptions>
{
    public ValidateOptionsResult Validate(string? name, SaltApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var section = SaltApiOptions.SectionName;

        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"{section}:BaseUrl '{options.BaseUrl}' is not an absolute http(s) URL.");
        }
        else if (!baseUrl.IsLoopback && !options.AllowRemoteSaltApi)
        {
            problems.Add(
                $"{section}:BaseUrl '{options.BaseUrl}' is not loopback (127.0.0.0/8, ::1, localhost); "
                + $"set {section}:AllowRemoteSaltApi to true to send the salt-api token over the network.");
        }

        if (string.IsNullOrWhiteSpace(options.Username))
        {
            problems.Add($"{section}:Username is required.");
        }

        var hasPassword = !string.IsNullOrEmpty(options.Password);
        var hasPasswordFile = !string.IsNullOrWhiteSpace(options.PasswordFile);
        if (hasPassword == hasPasswordFile)
        {
            problems.Add($"{section}: set exactly one of Password and PasswordFile.");
        }
        else if (hasPasswordFile && !File.Exists(options.PasswordFile))
        {
            problems.Add($"{section}:PasswordFile '{options.PasswordFile}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(options.Eauth) || !EauthName().IsMatch(options.Eauth))
        {
            problems.Add($"{section}:Eauth '{options.Eauth}' is not an eauth module name (file, pam, ldap, sharedsecret, …).");
        }

        Positive(problems, nameof(options.TokenRefreshMargin), options.TokenRefreshMargin, allowZero: true);
        Positive(problems, nameof(options.AttemptTimeout), options.AttemptTimeout);
        Positive(problems, nameof(options.RequestTimeout), options.RequestTimeout);
        if (options.RequestTimeout < options.AttemptTimeout)
        {
            problems.Add($"{section}:RequestTimeout ({options.RequestTimeout}) is shorter than AttemptTimeout ({options.AttemptTimeout}).");
        }

        if (options.MaxConnections is < 1 or > 256)
        {
            problems.Add($"SaltApi:MaxConnections must be between 1 and 256 (is {options.MaxConnections})");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            problems.Add($"{section}:MaxRetries must be between 0 and 10 (was {options.MaxRetries}).");
        }

        Positive(problems, nameof(options.RetryDelay), options.RetryDelay);
        // Polly requires a break of at least half a second.
        if (options.CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            problems.Add($"{section}:CircuitBreakDuration must be at least 00:00:00.5 (was {options.CircuitBreakDuration}).");
        }

        Positive(problems, nameof(options.KeyWaitTimeout), options.KeyWaitTimeout, allowZero: true);
        Interval(problems, nameof(options.KeyPollInterval), options.KeyPollInterval, options.KeyPollMaxInterval);
        Positive(problems, nameof(options.ReachableTimeout), options.ReachableTimeout);
        Interval(problems, nameof(options.ReachablePollInterval), options.ReachablePollInterval, options.ReachablePollMaxInterval);
        Positive(problems, nameof(options.JobTimeout), options.JobTimeout);
        Interval(problems, nameof(options.JobPollInterval), options.JobPollInterval, options.JobPollMaxInterval);

        if (options.PingTimeoutSeconds < 1)
        {
            problems.Add($"{section}:PingTimeoutSeconds must be at least 1 (was {options.PingTimeoutSeconds}).");
        }

        if (options.PingGatherJobTimeoutSeconds < 1)
        {
            problems.Add($"{section}:PingGatherJobTimeoutSeconds must be at least 1 (was {options.PingGatherJobTimeoutSeconds}).");
        }

        ValidateEventStream(problems, options.EventStream);

        foreach (var state in options.DefaultStates.Where(s => !SaltNames.IsStateName(s)))
        {
            problems.Add($"{section}:DefaultStates entry '{state}' is not a state name (letters, digits, . _ - /; no commas).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void ValidateEventStream(List<string> problems, Events.EventStreamOptions? stream)
    {
        if (stream is null)
        {
            return;
        }

        Positive(problems, "EventStream:ProbeInterval", stream.ProbeInterval);
        Positive(problems, "EventStream:ProbeTimeout", stream.ProbeTimeout);
        Positive(problems, "EventStream:ConnectTimeout", stream.ConnectTimeout);
        Positive(problems, "EventStream:ReconnectDelay", stream.ReconnectDelay);
        Positive(problems, "EventStream:SafetyPollInterval", stream.SafetyPollInterval);
        if (stream.ReconnectMaxDelay < stream.ReconnectDelay)
        {
            problems.Add($"{SaltApiOptions.SectionName}:EventStream:ReconnectMaxDelay ({stream.ReconnectMaxDelay}) is shorter than ReconnectDelay ({stream.ReconnectDelay}).");
        }
        // Below 64 KiB a highstate's return rarely fits; above 64 MiB one event could hold the daemon's memory hostage.
        if (stream.MaxEventBytes is < 64 * 1024 or > 64 * 1024 * 1024)
        {
            problems.Add($"{SaltApiOptions.SectionName}:EventStream:MaxEventBytes must be between 65536 and 67108864 (was {stream.MaxEventBytes}).");
        }
    }

    private static void Positive(List<string> problems, string name, TimeSpan value, bool allowZero = false)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            problems.Add($"{SaltApiOptions.SectionName}:{name} must be {(allowZero ? "zero or more" : "positive")} (was {value}).");
        }
    }

    private static void Interval(List<string> problems, string name, TimeSpan first, TimeSpan max)
    {
        Positive(problems, name, first);
        if (max < first)
        {
            problems.Add($"{SaltApiOptions.SectionName}:{name.Replace("Interval", "MaxInterval", StringComparison.Ordinal)} ({max}) is shorter than {name} ({first}).");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex EauthName();
}
