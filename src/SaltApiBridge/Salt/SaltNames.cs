using System.Text.RegularExpressions;

namespace SaltApiBridge.Salt;

/// <summary>
/// What may be sent to Salt as a name. Minion ids go through <c>key.name_match</c> (an fnmatch glob, where
/// <c>* ? [ ]</c> and a comma would widen the match) and through the <c>*_dict</c> functions (which join the name
/// onto the key directory, so <c>/</c>, <c>\</c> and <c>..</c> would escape it).
/// </summary>
internal static partial class SaltNames
{
    public static bool IsExactMinionId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 255 && id is not ("." or "..") && MinionId().IsMatch(id);

    public static void EnsureExactMinionId(string minionId)
    {
        if (!IsExactMinionId(minionId))
        {
            throw new ArgumentException(
                $"'{minionId}' is not an exact minion id (allowed: letters, digits and . _ - @; no glob characters, commas or slashes).",
                nameof(minionId));
        }
    }

    /// <summary>An sls name; state.sls takes a comma-joined list, so a comma inside a name would split it.</summary>
    public static bool IsStateName(string? name) => !string.IsNullOrEmpty(name) && StateName().IsMatch(name);

    /// <summary>An event tag below <c>/hook/</c>: slash-separated segments, no empty or dot-only segments.</summary>
    public static bool IsHookTag(string? tag) =>
        !string.IsNullOrEmpty(tag) && tag.Split('/').All(s => s.Length > 0 && s is not ("." or "..") && TagSegment().IsMatch(s));

    [GeneratedRegex("^[A-Za-z0-9._@-]+$")]
    private static partial Regex MinionId();

    [GeneratedRegex("^[A-Za-z0-9._/-]+$")]
    private static partial Regex StateName();

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex TagSegment();
}
