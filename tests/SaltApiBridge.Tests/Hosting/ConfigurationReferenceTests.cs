using System.Reflection;
using System.Text.RegularExpressions;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Tests.Hosting;

/// <summary>
/// The README's configuration reference and the options classes, held together: every setting the daemon binds has
/// a row, and every key a row names is one the daemon binds. The options classes are found, not listed: every class
/// of the daemon with a <c>SectionName</c>, and the classes its properties bind below it.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    [Fact]
    public void ConfigurationReference_EveryOptionsProperty_HasARow()
    {
        var documented = DocumentedKeys();

        Settings().Where(setting => !documented.Contains(setting)).Should().BeEmpty(
            "every setting of the options classes is in README.md's configuration reference");
    }

    [Fact]
    public void ConfigurationReference_EveryKeyInTheTable_IsARealSetting()
    {
        var settings = Settings();

        DocumentedKeys().Where(key => !settings.Contains(key) && !key.StartsWith("Logging:", StringComparison.Ordinal)).Should().BeEmpty(
            "every key in README.md's configuration reference is bound by an options class (Logging:… is .NET's own)");
    }

    /// <summary>Every key the options classes bind, a dictionary's entries as <c>&lt;name&gt;</c>.</summary>
    private static HashSet<string> Settings()
    {
        var roots = typeof(SaltApiBridge.Hosting.BridgeHost).Assembly.GetTypes()
            .Select(type => (Type: type, Section: type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(root => root.Section is not null && root.Type.Name.EndsWith("Options", StringComparison.Ordinal))
            .ToList();
        roots.Should().HaveCountGreaterThanOrEqualTo(7, "the options classes are found by their SectionName");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (type, section) in roots)
            AddKeys(type, section!, keys);
        return keys;
    }

    private static void AddKeys(Type type, string prefix, HashSet<string> keys)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = property.PropertyType;
            var settable = property.SetMethod is { IsPublic: true };
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(IDictionary<,>)
                && propertyType.GetGenericArguments()[1] is { IsClass: true } entry && entry.Assembly == type.Assembly)
                AddKeys(entry, key + ":<name>", keys);
            else if (propertyType.IsClass && propertyType.Assembly == type.Assembly)
                AddKeys(propertyType, key, keys);
            // Bound lists are get-only (the binder fills them); computed read-only views are not settings.
            else if (settable || (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(IList<>)))
                keys.Add(key);
        }
    }

    /// <summary>
    /// The keys of the README's table: each row's first cell, its backticked keys, <c>…:X</c> short for the first
    /// key's prefix and X.
    /// </summary>
    private static HashSet<string> DocumentedKeys()
    {
        var root = LocalCheckout.Root() ?? throw new DirectoryNotFoundException("no checkout above the tests");
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var start = readme.IndexOf("### Configuration reference", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, "README.md has a configuration reference");
        var end = readme.IndexOf("\n#", start + 1, StringComparison.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in readme[start..end].Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cell = row.Split('|')[1];
            string? prefix = null;
            foreach (Match match in BacktickedKey().Matches(cell))
            {
                var key = match.Groups[1].Value;
                if (key.StartsWith('…'))
                    key = prefix + key[2..];
                else
                    prefix = key[..(key.LastIndexOf(':') + 1)];
                keys.Add(key);
            }
        }

        keys.Should().HaveCountGreaterThan(50, "the table is read");
        return keys;
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex BacktickedKey();
}
