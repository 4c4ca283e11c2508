using System.Globalization;

namespace SaltApiBridge.Lifecycle;

/// <summary>
/// What a name from a message may contain before it becomes part of a minion id or an API call.
/// Salt's wheel key functions glob-match names (fnmatch: <c>* ? [ ]</c>, and a comma splits patterns), and its
/// <c>*_dict</c> functions join names onto the key directory, so such characters could reach other minions' keys.
/// Beyond those, names are kept to printable ASCII without quotes, braces or shell metacharacters, so that a minion
/// id is inert wherever it lands: a reactor's YAML and Jinja, a log line, an operator's shell.
/// </summary>
public static class NameRules
{
    /// <summary>Auto Scaling caps group and hook names at 255 characters.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Salt stores a key as a file named after the minion id.</summary>
    public const int MaxMinionIdLength = 255;

    public const int MaxTokenLength = 64;

    private const string ForbiddenCharacters = "*?[],/\\\"'`{}<>|;&";

    /// <summary><c>i-</c> followed by 8 or 17 lowercase hex digits.</summary>
    public static bool IsValidInstanceId(string? value)
    {
        if (value is null || (value.Length != 10 && value.Length != 19) || !value.StartsWith("i-", StringComparison.Ordinal))
            return false;
        foreach (var c in value.AsSpan(2))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                return false;
        }

        return true;
    }

    /// <summary>Why an Auto Scaling group name cannot be used, or null when it can.</summary>
    public static string? CheckGroupName(string? value) => CheckName("group name", value, MaxNameLength);

    /// <summary>Why a lifecycle hook name cannot be used, or null when it can.</summary>
    public static string? CheckHookName(string? value) => CheckName("hook name", value, MaxNameLength);

    /// <summary>
    /// Why a minion id cannot be targeted exactly, or null when it can: the rules above, and only the characters the
    /// Salt client sends (letters, digits, <c>. _ @ -</c>). An id the planner let through but the client refused would
    /// fail only after events were fired, and its message would be retried into the dead-letter queue.
    /// </summary>
    public static string? CheckMinionId(string? value)
    {
        if (CheckName("minion id", value, MaxMinionIdLength) is { } problem)
            return problem;
        if (value is "." or "..")
            return "minion id must not be '.' or '..'";
        foreach (var c in value!)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '@' or '-'))
                return $"minion id '{LifecycleMessageParser.Printable(value)}' contains '{c}', which a shell or template would read (a minion id holds letters, digits and . _ @ - only)";
        }

        return null;
    }

    /// <summary>Lifecycle action tokens are UUID-like (AWS's own samples include letters beyond hex).</summary>
    public static string? CheckToken(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "lifecycle action token is empty";
        if (value.Length > MaxTokenLength)
            return $"lifecycle action token is longer than {MaxTokenLength} characters";
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                return $"lifecycle action token contains {Describe(c)}";
        }

        return null;
    }

    private static string? CheckName(string what, string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
            return $"{what} is empty";
        if (value.Length > maxLength)
            return $"{what} is longer than {maxLength} characters";
        if (value[0] is '-' or '.')
            return $"{what} '{LifecycleMessageParser.Printable(value)}' starts with '{value[0]}'";
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
                return $"{what} '{LifecycleMessageParser.Printable(value)}' contains {Describe(c)}";
            if (ForbiddenCharacters.Contains(c, StringComparison.Ordinal))
                return $"{what} '{LifecycleMessageParser.Printable(value)}' contains '{c}', {Why(c)}";
        }

        return null;
    }

    private static string Why(char c) => c switch
    {
        '*' or '?' or '[' or ']' => "which Salt's key functions would read as a glob",
        ',' => "which Salt's key functions would read as a list separator",
        '/' or '\\' => "which would name a path in Salt's key directory",
        _ => "which is not allowed in a minion id",
    };

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        '\t' or '\n' or '\r' or '\v' or '\f' => "whitespace",
        _ when char.IsControl(c) => string.Create(CultureInfo.InvariantCulture, $"a control character (U+{(int)c:X4})"),
        _ when c > '~' => string.Create(CultureInfo.InvariantCulture, $"a non-ASCII character (U+{(int)c:X4})"),
        _ => $"'{c}'",
    };
}
