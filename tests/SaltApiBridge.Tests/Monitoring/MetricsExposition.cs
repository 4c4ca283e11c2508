using System.Text.RegularExpressions;

namespace SaltApiBridge.Tests.Monitoring;

/// <summary>What a <c>/metrics</c> scrape holds: the names of its samples and the type of each metric family.</summary>
internal sealed partial class MetricsExposition
{
    private static readonly string[] HistogramSuffixes = ["_bucket", "_sum", "_count"];

    private readonly HashSet<string> samples = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> types = new(StringComparer.Ordinal);

    public MetricsExposition(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (TypeLine().Match(line) is { Success: true } type)
                types[type.Groups[1].Value] = type.Groups[2].Value;
            else if (!line.StartsWith('#') && SampleName().Match(line) is { Success: true } sample)
                samples.Add(sample.Value);
        }
    }

    /// <summary>The sample names (a histogram's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> each).</summary>
    public IReadOnlyCollection<string> Samples => samples;

    /// <summary>
    /// Whether a query may name <paramref name="name"/>: a sample of the scrape, a metric family it declares, or a
    /// histogram's <c>_bucket</c>/<c>_sum</c>/<c>_count</c> whose family it declares.
    /// </summary>
    public bool Exports(string name) =>
        samples.Contains(name)
        || types.ContainsKey(name)
        || HistogramSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal)
            && types.TryGetValue(name[..^suffix.Length], out var type) && type == "histogram");

    [GeneratedRegex(@"^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex SampleName();
}
