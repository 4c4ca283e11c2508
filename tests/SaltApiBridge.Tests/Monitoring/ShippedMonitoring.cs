using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Tests.Monitoring;

/// <summary>
/// The metric names that monitoring/ names: read from the alerting rules' <c>expr</c> fields and the Grafana
/// dashboard's queries (panel targets and template variables), never from a list kept by hand.
/// </summary>
internal static partial class ShippedMonitoring
{
    public static string Root => LocalCheckout.Root() ?? throw new DirectoryNotFoundException("no checkout (SaltApiBridge.sln) above the tests");

    public static string RulesFile => Path.Combine(Root, "monitoring", "prometheus", "alerts.yml");

    public static string DashboardFile => Path.Combine(Root, "monitoring", "grafana", "saltapibridge.json");

    /// <summary>Every rule's <c>expr</c> (one line, or a <c>|</c>/<c>&gt;</c> block scalar).</summary>
    public static IReadOnlyList<string> RuleExpressions(string yaml)
    {
        var lines = yaml.ReplaceLineEndings("\n").Split('\n');
        var expressions = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (Expr().Match(lines[i]) is not { Success: true } match)
                continue;
            var value = match.Groups["value"].Value.Trim();
            if (!value.StartsWith('|') && !value.StartsWith('>'))
            {
                expressions.Add(value.Trim('\'', '"'));
                continue;
            }

            // A block scalar: the lines indented deeper than "expr:".
            var indent = match.Groups["indent"].Length;
            var block = new List<string>();
            for (i++; i < lines.Length && (lines[i].Trim().Length == 0 || lines[i].Length - lines[i].TrimStart().Length > indent); i++)
                block.Add(lines[i].Trim());
            i--;
            expressions.Add(string.Join(" ", block).Trim());
        }

        return expressions;
    }

    /// <summary>Every query of the dashboard: each panel's (rows' panels included) targets, each query variable's.</summary>
    public static IReadOnlyList<string> DashboardQueries(string json)
    {
        var dashboard = JsonNode.Parse(json)!;
        var queries = new List<string>();
        void Walk(JsonArray? panels)
        {
            foreach (var panel in panels ?? [])
            {
                foreach (var target in panel!["targets"]?.AsArray() ?? [])
                {
                    if (target!["expr"]?.GetValue<string>() is { } expr)
                        queries.Add(expr);
                }

                Walk(panel["panels"]?.AsArray());
            }
        }

        Walk(dashboard["panels"]?.AsArray());
        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if (variable!["type"]?.GetValue<string>() != "query")
                continue;
            var query = variable["query"];
            queries.Add(query is JsonObject ? query["query"]!.GetValue<string>() : query!.GetValue<string>());
        }

        return queries;
    }

    /// <summary>
    /// The bridge's metric names in a PromQL expression: identifiers starting <c>saltapibridge_</c> outside quoted
    /// strings (a label value may say anything). Label names never take that prefix, and no function does.
    /// </summary>
    public static IEnumerable<string> MetricNames(string expression) =>
        BridgeMetric().Matches(QuotedString().Replace(expression, "\"\"")).Select(m => m.Value).Distinct(StringComparer.Ordinal);

    [GeneratedRegex(@"^(?<indent>\s*)(?:-\s+)?expr:\s*(?<value>.*)$")]
    private static partial Regex Expr();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`")]
    private static partial Regex QuotedString();

    [GeneratedRegex(@"\bsaltapibridge_[A-Za-z0-9_:]*")]
    private static partial Regex BridgeMetric();
}
