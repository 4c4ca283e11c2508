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

        Password(problems, section, options.Password, options.PasswordFile, ".");

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
        ValidateMasters(problems, options);

        foreach (var state in options.DefaultStates.Where(s => !SaltNames.IsStateName(s)))
        {
            problems.Add($"{section}:DefaultStates entry '{state}' is not a state name (letters, digits, . _ - /; no commas).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>The multi-master settings: names, each master's salt-api and credentials, the topology and its waits.</summary>
    private static void ValidateMasters(List<string> problems, SaltApiOptions options)
    {
        var section = SaltApiOptions.SectionName;
        if (!MasterName().IsMatch(options.Name ?? ""))
        {
            problems.Add($"{section}:Name '{options.Name}' is not a master name (letters, digits, . _ -; at most 64).");
        }

        CaFile(problems, $"{section}:CaCertificateFile", options.CaCertificateFile);
        if (options.Masters.Count == 0)
        {
            return;
        }

        if (options.EffectiveTopology is null)
        {
            problems.Add($"{section}:Topology '{options.Topology}' is not one of hot, shared-pki, failover.");
        }

        Positive(problems, nameof(options.MasterDownTimeout), options.MasterDownTimeout);
        Positive(problems, nameof(options.MasterRetryInterval), options.MasterRetryInterval);
        var urls = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [options.BaseUrl.TrimEnd('/')] = options.Name ?? "" };
        foreach (var (name, master) in options.Masters)
        {
            var key = $"{section}:Masters:{name}";
            if (!MasterName().IsMatch(name))
            {
                problems.Add($"{key}: '{name}' is not a master name (letters, digits, . _ -; at most 64).");
            }
            else if (string.Equals(name, options.Name, StringComparison.Ordinal))
            {
                problems.Add($"{key}: '{name}' is {section}:Name, the master of {section}:BaseUrl; give each master its own name.");
            }

            if (master is null)
            {
                problems.Add($"{key} is empty: it needs BaseUrl and Password or PasswordFile.");
                continue;
            }

            if (!Uri.TryCreate(master.BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"{key}:BaseUrl '{master.BaseUrl}' is not an absolute http(s) URL.");
            }
            else if (!url.IsLoopback && url.Scheme != Uri.UriSchemeHttps)
            {
                // The token and the password cross the network: never in clear.
                problems.Add($"{key}:BaseUrl '{master.BaseUrl}' is not on this host, so it must be https (with a certificate that verifies).");
            }
            else if (!urls.TryAdd(master.BaseUrl.TrimEnd('/'), name))
            {
                problems.Add($"{key}:BaseUrl '{master.BaseUrl}' is also the salt-api of master '{urls[master.BaseUrl.TrimEnd('/')]}'.");
            }

            if (string.IsNullOrWhiteSpace(master.Username) && string.IsNullOrWhiteSpace(options.Username))
            {
                problems.Add($"{key}:Username is required (or {section}:Username).");
            }

            Password(problems, key, master.Password, master.PasswordFile, " (each master has its own credentials).");

            if (master.Eauth is { Length: > 0 } eauth && !EauthName().IsMatch(eauth))
            {
                problems.Add($"{key}:Eauth '{eauth}' is not an eauth module name (file, pam, ldap, sharedsecret, …).");
            }

            CaFile(problems, $"{key}:CaCertificateFile", master.CaCertificateFile);
        }
    }

    /// <summary>Exactly one of a password and a password file, and the file there.</summary>
    private static void Password(List<string> problems, string key, string? password, string? passwordFile, string ending)
    {
        var hasPassword = !string.IsNullOrEmpty(password);
        var hasPasswordFile = !string.IsNullOrWhiteSpace(passwordFile);
        if (hasPassword == hasPasswordFile)
        {
            problems.Add($"{key}: set exactly one of Password and PasswordFile{ending}");
        }
        else if (hasPasswordFile && !File.Exists(passwordFile))
        {
            problems.Add($"{key}:PasswordFile '{passwordFile}' does not exist.");
        }
    }

    private static void CaFile(List<string> problems, string key, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        if (!File.Exists(path))
        {
            problems.Add($"{key} '{path}' does not exist.");
            return;
        }

        try
        {
            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            if (certificates.Count == 0)
            {
                problems.Add($"{key} '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
            }
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"{key} '{path}' cannot be read as PEM certificates: {e.Message}");
        }
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

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex MasterName();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex EauthName();
}
