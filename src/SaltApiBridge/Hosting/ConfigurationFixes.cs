using System.Text.RegularExpressions;

namespace SaltApiBridge.Hosting;

/// <summary>
/// How to fix one configuration problem, for <c>saltapibridge check</c>: read from the problem's key and kind, so each
/// line says what to change rather than the same "fix the setting" for all.
/// </summary>
internal static partial class ConfigurationFixes
{
    public static string For(string problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var match = SettingKey().Match(problem);
        if (!match.Success)
            return "correct the setting in the file given with --config";
        var section = match.Groups["section"].Value;
        var name = match.Groups["name"].Value;
        var key = name.Length > 0 ? $"{section}:{name}" : section;
        var where = name.Length > 0
            ? $"in the file given with --config (or SALTAPIBRIDGE_{section}__{name} in the service's environment)"
            : "in the file given with --config";

        if (MasterFix(problem) is { } master)
            return master;
        if (Suggestion().Match(problem) is { Success: true } suggestion)
            return $"rename {key} to {suggestion.Groups["key"].Value}";
        if (problem.Contains("is not a setting of the", StringComparison.Ordinal))
            return $"remove {key}, or correct its name (README, configuration reference)";
        if (ValidValues().Match(problem) is { Success: true } values)
            return $"set {key} to one of {values.Groups["values"].Value}";
        if (problem.Contains("is not true or false", StringComparison.Ordinal))
            return $"set {key} to true or false";
        if (problem.Contains("is not a whole number", StringComparison.Ordinal))
            return $"set {key} to a whole number";
        if (problem.Contains("is not a duration", StringComparison.Ordinal))
            return $"write {key} as hh:mm:ss, e.g. 00:05:00";
        if (problem.Contains("Region is not set", StringComparison.Ordinal))
            return "set AutoScaling:Region (e.g. eu-west-1) in the file given with --config, or AWS_REGION in the service's environment";
        if (problem.Contains("is not an AWS region name", StringComparison.Ordinal))
            return $"set {key} to a region name such as eu-west-1";
        if (problem.Contains("exactly one of Password and PasswordFile", StringComparison.Ordinal))
            return "keep one of SaltApi:PasswordFile (a file only the service's user reads: the formula writes it) and SaltApi:Password";
        if (ExactlyOne().Match(problem) is { Success: true } pair)
            return $"keep one of {pair.Groups["a"].Value} and {pair.Groups["b"].Value}, and remove the other";
        if (problem.Contains("is required", StringComparison.Ordinal))
            return $"set {key} {where}";
        if (problem.Contains("does not exist", StringComparison.Ordinal))
            return $"create the file {key} names (readable by the service's user), or correct the path";
        if (problem.Contains("loopback", StringComparison.Ordinal))
            return section == "Health"
                ? "serve on 127.0.0.1 (e.g. http://127.0.0.1:9464), or set Health:AllowRemote to true"
                : "point SaltApi:BaseUrl at 127.0.0.1 (rest_cherrypy's host), or set SaltApi:AllowRemoteSaltApi to true";
        if (name == "MinionIdTemplate")
            return "put {instance} in Bridge:MinionIdTemplate exactly once, e.g. {group}-{instance}";
        if (name == "GoldenImageGroups")
            return "add the group to Bridge:Groups, or take it out of Bridge:GoldenImageGroups";
        if (name == "HeartbeatInterval" && problem.Contains("hook", StringComparison.Ordinal))
            return "shorten AutoScaling:HeartbeatInterval below the hook's heartbeat timeout, or leave it empty to derive it from the hook";
        if (problem.Contains("must be", StringComparison.Ordinal) || problem.Contains("is outside", StringComparison.Ordinal)
            || problem.Contains("is shorter than", StringComparison.Ordinal))
            return $"set {key} within the range the problem gives, {where}";
        return $"correct {key} {where}";
    }

    /// <summary>The problems of one further master (<c>SaltApi:Masters:&lt;name&gt;…</c>), which the generic rules misread.</summary>
    private static string? MasterFix(string problem)
    {
        if (MasterKey().Match(problem) is not { Success: true } found)
            return null;
        var key = found.Groups["key"].Value;
        if (Suggestion().Match(problem) is { Success: true } suggestion)
            return $"rename {key} to {suggestion.Groups["key"].Value}";
        if (problem.Contains("is not a setting of the", StringComparison.Ordinal))
            return $"remove {key}: a master takes BaseUrl, Username, Password or PasswordFile, Eauth and CaCertificateFile";
        if (problem.Contains("must be https", StringComparison.Ordinal))
            return "serve that master's salt-api over TLS (salt/master.d/saltapibridge.remote.conf.example) and write its BaseUrl with https://";
        if (problem.Contains("exactly one of Password and PasswordFile", StringComparison.Ordinal))
            return $"give {key} its own PasswordFile (a file only the service's user reads) or Password, not both";
        if (problem.Contains("is also the salt-api of", StringComparison.Ordinal))
            return "give each master its own salt-api URL";
        if (problem.Contains("is SaltApi:Name", StringComparison.Ordinal) || problem.Contains("is not a master name", StringComparison.Ordinal))
            return "name each master differently, with letters, digits, . _ - (at most 64)";
        return null;
    }

    [GeneratedRegex(@"^(?<key>SaltApi:Masters:[^:\s]+(:[A-Za-z]+)?)")]
    private static partial Regex MasterKey();

    [GeneratedRegex(@"^(?<section>Queue|SaltApi|AutoScaling|Bridge|Pipeline|Health|Reconcile)(:(?<name>[A-Za-z]+))?")]
    private static partial Regex SettingKey();

    [GeneratedRegex(@"did you mean (?<key>[A-Za-z0-9._:-]+)\?")]
    private static partial Regex Suggestion();

    [GeneratedRegex(@"exactly one of (?<a>[A-Za-z:]+) and (?<b>[A-Za-z:]+)")]
    private static partial Regex ExactlyOne();

    [GeneratedRegex(@"is not one of (?<values>.+)$")]
    private static partial Regex ValidValues();
}
