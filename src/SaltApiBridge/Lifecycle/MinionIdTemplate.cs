using System.Text;

namespace SaltApiBridge.Lifecycle;

/// <summary>
/// The minion id an instance's key is expected under, from a template with the placeholders <c>{group}</c> and
/// <c>{instance}</c> (default <c>{group}-{instance}</c>). Parsed once; rendering is a concatenation, never a format
/// string, so nothing in a name can be read as a placeholder.
/// </summary>
public sealed class MinionIdTemplate
{
    public const string Default = "{group}-{instance}";
    private const string GroupPlaceholder = "{group}";
    private const string InstancePlaceholder = "{instance}";

    private readonly IReadOnlyList<Part> parts;

    private MinionIdTemplate(string text, IReadOnlyList<Part> parts)
    {
        Text = text;
        this.parts = parts;
    }

    public string Text { get; }

    /// <summary>Parses a template; on failure <paramref name="problem"/> says why.</summary>
    public static bool TryParse(string? text, out MinionIdTemplate? template, out string? problem)
    {
        template = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "MinionIdTemplate is empty";
            return false;
        }

        var parts = new List<Part>();
        var instances = 0;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var open = rest.IndexOf('{');
            if (open < 0)
            {
                parts.Add(new Part(PartKind.Literal, rest.ToString()));
                break;
            }

            if (open > 0)
                parts.Add(new Part(PartKind.Literal, rest[..open].ToString()));
            rest = rest[open..];
            if (rest.StartsWith(GroupPlaceholder, StringComparison.Ordinal))
            {
                parts.Add(new Part(PartKind.Group, GroupPlaceholder));
                rest = rest[GroupPlaceholder.Length..];
            }
            else if (rest.StartsWith(InstancePlaceholder, StringComparison.Ordinal))
            {
                parts.Add(new Part(PartKind.Instance, InstancePlaceholder));
                rest = rest[InstancePlaceholder.Length..];
                instances++;
            }
            else
            {
                var close = rest.IndexOf('}');
                var unknown = close > 0 ? rest[..(close + 1)].ToString() : rest.ToString();
                problem = $"MinionIdTemplate '{text}' has an unknown placeholder '{unknown}' (known: {{group}}, {{instance}})";
                return false;
            }
        }

        if (instances != 1)
        {
            problem = $"MinionIdTemplate '{text}' must contain {{instance}} exactly once, so that every instance has its own minion id";
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Kind == PartKind.Literal && NameRules.CheckMinionId("x" + part.Text + "x") is { } literalProblem)
            {
                problem = $"MinionIdTemplate '{text}': {literalProblem}";
                return false;
            }
        }

        template = new MinionIdTemplate(text, parts);
        return true;
    }

    public static MinionIdTemplate Parse(string text) =>
        TryParse(text, out var template, out var problem) ? template! : throw new FormatException(problem);

    public string Render(string group, string instanceId)
    {
        var builder = new StringBuilder(group.Length + instanceId.Length + 8);
        foreach (var part in parts)
        {
            builder.Append(part.Kind switch
            {
                PartKind.Group => group,
                PartKind.Instance => instanceId,
                _ => part.Text,
            });
        }

        return builder.ToString();
    }

    /// <summary>
    /// Whether <paramref name="minionId"/> is what this template renders for <paramref name="group"/> and some valid
    /// instance id, and which. The reverse of <see cref="Render"/>, for keys found on the master.
    /// </summary>
    public bool TryMatch(string minionId, string group, out string? instanceId)
    {
        ArgumentNullException.ThrowIfNull(minionId);
        instanceId = null;
        var instanceAt = parts.Select((part, index) => (part, index)).Single(p => p.part.Kind == PartKind.Instance).index;
        var prefix = Join(parts.Take(instanceAt), group);
        var suffix = Join(parts.Skip(instanceAt + 1), group);
        if (minionId.Length <= prefix.Length + suffix.Length
            || !minionId.StartsWith(prefix, StringComparison.Ordinal)
            || !minionId.EndsWith(suffix, StringComparison.Ordinal))
            return false;
        var candidate = minionId[prefix.Length..^suffix.Length];
        if (!NameRules.IsValidInstanceId(candidate))
            return false;
        instanceId = candidate;
        return true;
    }

    public override string ToString() => Text;

    private static string Join(IEnumerable<Part> parts, string group) =>
        string.Concat(parts.Select(part => part.Kind == PartKind.Group ? group : part.Text));

    private enum PartKind
    {
        Literal,
        Group,
        Instance,
    }

    private readonly record struct Part(PartKind Kind, string Text);
}
