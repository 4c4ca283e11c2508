using System.Globalization;
using System.Text;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>An SVG line chart of the storm's makespan against the concurrency limit: measured and ideal.</summary>
internal static class StormChart
{
    public static string Svg(IReadOnlyList<StormBenchmark.Result> results)
    {
        const double width = 640, height = 400, left = 70, right = 20, top = 40, bottom = 60;
        var maxY = results.Max(r => Math.Max(r.Makespan.TotalSeconds, r.Ideal.TotalSeconds)) * 1.1;
        var limits = results.Select(r => r.Limit).ToList();
        double X(int index) => left + (index * (width - left - right) / Math.Max(1, limits.Count - 1));
        double Y(double seconds) => top + ((height - top - bottom) * (1 - (seconds / maxY)));
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">Storm of {results[0].Launches} launches: makespan vs concurrency limit</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n");
        for (var i = 0; i <= 5; i++)
        {
            var value = maxY * i / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{F(Y(value) + 4)}\" text-anchor=\"end\">{F(value)} s</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(Y(value))}\" x2=\"{width - right}\" y2=\"{F(Y(value))}\" stroke=\"#ddd\"/>\n");
        }

        for (var i = 0; i < limits.Count; i++)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(i))}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">{limits[i]}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"{height - 18}\" text-anchor=\"middle\">Pipeline:MaxInFlight</text>\n");

        void Line(Func<StormBenchmark.Result, double> value, string colour, string label, int row, string dash)
        {
            var points = string.Join(' ', results.Select((r, i) => $"{F(X(i))},{F(Y(value(r)))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>\n");
            foreach (var (r, i) in results.Select((r, i) => (r, i)))
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(i))}\" cy=\"{F(Y(value(r)))}\" r=\"3\" fill=\"{colour}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{width - 190}\" y1=\"{top + 10 + (row * 18)}\" x2=\"{width - 165}\" y2=\"{top + 10 + (row * 18)}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - 160}\" y=\"{top + 14 + (row * 18)}\">{label}</text>\n");
        }

        Line(r => r.Makespan.TotalSeconds, "#c0392b", "measured", 0, "none");
        Line(r => r.Ideal.TotalSeconds, "#2c3e50", "ideal (zero overhead)", 1, "6,4");
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
