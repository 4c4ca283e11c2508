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
        lines.Add($"replica {report.Replica} · up {StatusProblems.Duration(report.UptimeSeconds)} · {report.Version} ({report.Commit})");
        lines.Add(Queue(report));

        lines.Add("");
        lines.Add(report.InFlight.Count == 0 ? "IN FLIGHT: nothing" : $"IN FLIGHT ({report.InFlight.Count})");
        if (report.InFlight.Count > 0)
        {
            lines.Add(Row(("INSTANCE", 19), ("KIND", 11), ("STEP", 37), ("AGE", -7)));
            foreach (var work in report.InFlight.Take(MaxInFlightRows))
            {
                lines.Add(Row((work.InstanceId, 19), (Kind(work.Kind), 11), (work.Step, 37), (StatusProblems.Duration(work.AgeSeconds), -7)));
                // The minion id last: it is the longest, and mostly the group and the instance again.
                var details = new List<string>();
                if (work.Master is not null)
                    details.Add(work.Master);
                if (work.Jid is not null)
                    details.Add("jid " + work.Jid);
                details.Add(work.Attempt == 0 ? "taken over" : work.Attempt > 1 ? $"receive {work.Attempt}" : "first receive");
                details.Add(work.MinionId);
                lines.Add("  ↳ " + string.Join(" · ", details));
            }

            if (report.InFlight.Count > MaxInFlightRows)
                lines.Add($"  … and {report.InFlight.Count - MaxInFlightRows} more (--json lists them all)");
        }

        lines.Add("");
        lines.Add("MASTERS");
        lines.Add(Row(("NAME", 18), ("SALT-API", 11), ("EVENTS", 9), ("LAST EVENT", 10), ("OWED ACCEPTS/DELETES", 24)));
        foreach (var master in report.Masters)
        {
            var outage = report.Outages.FirstOrDefault(o => o.Dependency == Hosting.DependencyNames.SaltApi(master.Name));
            var saltApi = master.SaltApiAnswering ? "up" : "DOWN " + (outage is null ? "" : StatusProblems.Duration(report.At - outage.Since));
            var lastEvent = master.LastEventAt is { } last ? Ago(report.At - last) : "-";
            lines.Add(Row((master.Name, 18), (saltApi, 11), (master.EventStream, 9), (lastEvent, 10), (Owed(master, report.At), 24)));
        }

        lines.Add("");
        lines.Add(report.Recent.Count == 0 ? "RECENT: nothing finished yet" : "RECENT (newest first)");
        if (report.Recent.Count > 0)
        {
            lines.Add(Row(("INSTANCE", 19), ("KIND", 11), ("RESULT", 12), ("TOOK", -7), ("ENDED", -8)));
            foreach (var done in report.Recent.Take(MaxRecentRows))
            {
                lines.Add(Row((done.InstanceId, 19), (Kind(done.Kind), 11), (done.Result, 12), (StatusProblems.Duration(done.TookSeconds), -7),
                    (Ago(report.At - done.Ended), -8)));
                // A jid is 37 characters (20 digits, '_', 16 hex): on its own line, whole, for salt-run jobs.lookup_jid.
                if (done.Jid is not null || done.Master is not null)
                    lines.Add("  ↳ " + string.Join(" · ", new[] { done.Master, done.Jid is null ? null : "jid " + done.Jid }.OfType<string>()));
            }

            if (report.Recent.Count > MaxRecentRows)
                lines.Add($"  … and {report.Recent.Count - MaxRecentRows} more (--json lists them all)");
        }

        lines.Add("");
        lines.AddRange(Leases(report));

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
            ? "unknown (store down)"
            : master.OwedSince is { } since
                ? $"{master.OwedAccepts}/{master.OwedDeletes}, oldest {StatusProblems.Duration(at - since)}"
                : $"{master.OwedAccepts}/{master.OwedDeletes}";

    /// <summary>The leases held, a line per holder (instances counted, tasks named).</summary>
    private static IEnumerable<string> Leases(StatusReport report)
    {
        if (report.Leases is null)
            return ["LEASES: unknown (the coordination store did not answer)"];
        if (report.Leases.Count == 0)
            return ["LEASES: none held"];
        var holders = report.Leases
            .GroupBy(l => l.Holder, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var instances = g.Count(l => l.Kind == "instance");
                var parts = new List<string>();
                if (instances > 0)
                    parts.Add(instances == 1 ? "1 instance" : $"{instances} instances");
                parts.AddRange(g.Where(l => l.Kind != "instance").Select(l => l.Name));
                return $"  {g.Key}: {string.Join(", ", parts)}";
            });
        return ["LEASES (by replica)", .. holders];
    }

    private static string Kind(string kind) => kind.ToLowerInvariant();

    /// <summary>How long ago, in its largest unit: 45s ago, 12m ago, 3h ago, 2d ago.</summary>
    private static string Ago(TimeSpan span)
    {
        var seconds = (long)Math.Max(0, span.TotalSeconds);
        return seconds switch
        {
            < 60 => $"{seconds}s ago",
            < 3600 => $"{seconds / 60}m ago",
            < 86400 => $"{seconds / 3600}h ago",
            _ => $"{seconds / 86400}d ago",
        };
    }

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
