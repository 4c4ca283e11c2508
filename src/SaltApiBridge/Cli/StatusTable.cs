using System.Text;
using SaltApiBridge.Status;

namespace SaltApiBridge.Cli;

/// <summary>
/// <c>saltapibridge status</c> as a person reads it at a glance, within <see cref="Width"/> columns: the replica and the
/// queue, the work in flight (oldest first), the masters, the last results, the leases by holder, what needs a person.
/// Ages are the daemon's (counted to its <see cref="StatusReport.At"/>), so a skewed clock here changes nothing.
/// </summary>
internal static class StatusTable
{
    public const int Width = 80;

    /// <summary>Rows of work in flight shown; the rest are counted (<c>--json</c> lists them all).</summary>
    public const int MaxInFlightRows = 20;

    public const int MaxRecentRows = 10;

    public static string Render(StatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lines = new List<string>();
        lines.Add($"replica {report.Replica} · saltapibridge {report.Version} ({report.Commit}) · up {StatusProblems.Duration(report.UptimeSeconds)}");
        lines.Add(Queue(report));

        lines.Add("");
        lines.Add(report.InFlight.Count == 0 ? "IN FLIGHT: nothing" : $"IN FLIGHT ({report.InFlight.Count})");
        if (report.InFlight.Count > 0)
        {
            lines.Add(Row(("INSTANCE", 19), ("KIND", 11), ("STEP", 37), ("AGE", -7)));
            foreach (var work in report.InFlight.Take(MaxInFlightRows))
            {
                lines.Add(Row((work.InstanceId, 19), (Kind(work.Kind), 11), (work.Step, 37), (StatusProblems.Duration(work.AgeSeconds), -7)));
                var details = new List<string> { work.MinionId };
                if (work.Master is not null)
                    details.Add("master " + work.Master);
                if (work.Jid is not null)
                    details.Add("jid " + work.Jid);
                details.Add(work.Attempt == 0 ? "taken over" : work.Attempt > 1 ? $"receive {work.Attempt}" : "first receive");
                lines.Add("  ↳ " + string.Join(" · ", details));
            }

            if (report.InFlight.Count > MaxInFlightRows)
                lines.Add($"  … and {report.InFlight.Count - MaxInFlightRows} more (--json lists them all)");
        }

        lines.Add("");
        lines.Add("MASTERS");
        lines.Add(Row(("NAME", 14), ("SALT-API", 10), ("EVENTS", 9), ("LAST EVENT", 10), ("OWED ACCEPTS/DELETES", 29)));
        foreach (var master in report.Masters)
        {
            var outage = report.Outages.FirstOrDefault(o => o.Dependency == Hosting.DependencyNames.SaltApi(master.Name));
            var saltApi = master.SaltApiAnswering ? "up" : "DOWN " + (outage is null ? "" : StatusProblems.Duration(report.At - outage.Since));
            var lastEvent = master.LastEventAt is { } last ? StatusProblems.Duration(report.At - last) + " ago" : "-";
            lines.Add(Row((master.Name, 14), (saltApi, 10), (master.EventStream, 9), (lastEvent, 10), (Owed(master, report.At), 29)));
        }

        lines.Add("");
        lines.Add(report.Recent.Count == 0 ? "RECENT: nothing finished yet" : "RECENT (newest first)");
        if (report.Recent.Count > 0)
        {
            lines.Add(Row(("INSTANCE", 19), ("KIND", 11), ("RESULT", 11), ("TOOK", -6), ("JID", 20)));
            foreach (var done in report.Recent.Take(MaxRecentRows))
                lines.Add(Row((done.InstanceId, 19), (Kind(done.Kind), 11), (done.Result, 11), (StatusProblems.Duration(done.TookSeconds), -6), (done.Jid ?? "-", 20)));
            if (report.Recent.Count > MaxRecentRows)
                lines.Add($"  … and {report.Recent.Count - MaxRecentRows} more (--json lists them all)");
        }

        lines.Add("");
        lines.Add(Leases(report));

        lines.Add("");
        if (report.Problems.Count == 0)
        {
            lines.Add("All well: nothing needs a person.");
        }
        else
        {
            lines.Add($"NEEDS A PERSON ({report.Problems.Count})");
            foreach (var problem in report.Problems)
                lines.AddRange(Wrap("! ", problem));
        }

        var text = new StringBuilder();
        foreach (var line in lines)
            text.Append(Fit(line, Width)).Append('\n');
        return text.ToString();
    }

    private static string Queue(StatusReport report)
    {
        if (report.Queue is not { } queue)
            return "queue: not read yet (asked of SQS every 30 s)";
        var line = $"queue: {queue.Main.Visible} waiting, {queue.Main.InFlight} in flight";
        if (queue.Main.Delayed > 0)
            line += $", {queue.Main.Delayed} delayed";
        if (queue.DeadLetter is { } deadLetter)
            line += $" · dead-letter: {deadLetter.Visible}";
        return line + $" · read {StatusProblems.Duration(report.At - queue.At)} ago";
    }

    private static string Owed(MasterStatus master, DateTimeOffset at) =>
        master.OwedAccepts is null || master.OwedDeletes is null
            ? "unknown (store not answering)"
            : master.OwedSince is { } since
                ? $"{master.OwedAccepts}/{master.OwedDeletes}, oldest {StatusProblems.Duration(at - since)}"
                : $"{master.OwedAccepts}/{master.OwedDeletes}";

    /// <summary>One line: the leases held, by holder (instances counted, tasks named).</summary>
    private static string Leases(StatusReport report)
    {
        if (report.Leases is null)
            return "LEASES: unknown (the coordination store did not answer)";
        if (report.Leases.Count == 0)
            return "LEASES: none held";
        var holders = report.Leases
            .GroupBy(l => l.Holder, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var instances = g.Count(l => l.Kind == "instance");
                var tasks = g.Where(l => l.Kind != "instance").Select(l => l.Name).ToList();
                var parts = new List<string>();
                if (instances > 0)
                    parts.Add(instances == 1 ? "1 instance" : $"{instances} instances");
                parts.AddRange(tasks);
                return $"{g.Key}: {string.Join(", ", parts)}";
            });
        return "LEASES: " + string.Join(" · ", holders);
    }

    private static string Kind(string kind) => kind.ToLowerInvariant();

    /// <summary>Columns separated by two spaces; a negative width aligns right. Each value is cut to its width.</summary>
    private static string Row(params (string Text, int Width)[] columns)
    {
        var cells = columns.Select(c =>
        {
            var width = Math.Abs(c.Width);
            var text = Fit(c.Text, width);
            return c.Width < 0 ? text.PadLeft(width) : text.PadRight(width);
        });
        return string.Join("  ", cells).TrimEnd();
    }

    private static string Fit(string text, int width) =>
        text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 1), "…");

    /// <summary>Wraps at word boundaries within <see cref="Width"/>, the prefix on the first line, its width of spaces on the next.</summary>
    private static IEnumerable<string> Wrap(string prefix, string text)
    {
        var indent = new string(' ', prefix.Length);
        var line = new StringBuilder(prefix);
        var empty = true;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > Width)
            {
                yield return line.ToString();
                line.Clear().Append(indent);
                empty = true;
            }

            if (!empty)
                line.Append(' ');
            line.Append(word);
            empty = false;
        }

        yield return line.ToString();
    }
}
