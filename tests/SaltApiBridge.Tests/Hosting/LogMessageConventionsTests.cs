using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Tests.Hosting;

/// <summary>
/// Every [LoggerMessage] of the daemon, read from the assembly: an event id names one line (a log shipper's filter on
/// it must not catch another), and the structured fields are PascalCase (a query on a field finds it on every line).
/// </summary>
public sealed partial class LogMessageConventionsTests
{
    private static readonly IReadOnlyList<(MethodInfo Method, LoggerMessageAttribute Attribute)> Messages =
        [.. typeof(BridgeHost).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()!))
            .Where(m => m.Attribute is not null)];

    [Fact]
    public void LoggerMessages_AcrossTheAssembly_AreFound()
    {
        Messages.Should().HaveCountGreaterThan(100, "the scan must see the daemon's log lines, or the rules below prove nothing");
    }

    [Fact]
    public void LoggerMessages_EveryEventId_IsUsedOnce()
    {
        var duplicates = Messages
            .GroupBy(m => m.Attribute.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => $"{m.Method.DeclaringType!.Name}.{m.Method.Name}"))}");

        duplicates.Should().BeEmpty();
    }

    [Fact]
    public void LoggerMessages_EveryField_IsPascalCase()
    {
        var camel = Messages
            .SelectMany(m => Field().Matches(m.Attribute.Message).Select(f => (m.Method, Name: f.Groups[1].Value)))
            .Where(f => !char.IsUpper(f.Name[0]))
            .Select(f => $"{f.Method.DeclaringType!.Name}.{f.Method.Name}: {{{f.Name}}}");

        camel.Should().BeEmpty();
    }

    [GeneratedRegex(@"\{([A-Za-z_]\w*)")]
    private static partial Regex Field();
}
