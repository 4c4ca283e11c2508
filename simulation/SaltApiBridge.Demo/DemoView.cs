using System.Globalization;
using Spectre.Console;

namespace SaltApiBridge.Demo;

/// <summary>The demo's terminal output: a live line per instance while it runs, then the summary and the checks.</summary>
internal sealed class DemoView(IAnsiConsole console, DemoSettings settings)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(200);

    public void Say(string text) => console.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    /// <summary>Live table on a terminal; on a pipe (CI) one line per instance as it finishes.</summary>
    public async Task PresentAsync(DemoTracker tracker, Task play)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(play);
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Live(LiveTable(tracker)).AutoClear(true).Overflow(VerticalOverflow.Ellipsis).StartAsync(async context =>
            {
                while (!play.IsCompleted)
                {
                    context.UpdateTarget(LiveTable(tracker));
                    await Task.WhenAny(play, Task.Delay(Refresh));
                }
            });
            return;
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            foreach (var instance in tracker.Instances.Where(i => i.Done && reported.Add(i.MinionId)))
                console.MarkupLine($"  {Mark(instance.AsExpected)} {Markup.Escape(instance.MinionId)}: {Markup.Escape(string.Join(" → ", instance.Steps))}");
            if (play.IsCompleted)
                return;
            await Task.WhenAny(play, Task.Delay(Refresh));
        }
    }

    public void Summary(DemoReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]SaltApiBridge demo[/] — seed {settings.Seed}, {settings.Speed.ToString(CultureInfo.InvariantCulture)}× real time")
            .AddColumn("minion id").AddColumn("via").AddColumn("steps").AddColumn("result").AddColumn(new TableColumn("launch*").RightAligned());
        foreach (var i in report.Instances)
        {
            table.AddRow(
                new Text(i.MinionId),
                new Text(i.Via),
                new Text(string.Join(" → ", i.Steps)),
                new Markup(i.AsExpected ? $"[green]{Markup.Escape(i.Outcome)}[/]" : $"[red]{Markup.Escape(i.Outcome)}[/]"),
                new Text(Took(i)));
        }

        console.Write(table);
        console.MarkupLine($"[grey]* real-world time from the launch message to the completed lifecycle action; the demo ran {settings.Speed.ToString(CultureInfo.InvariantCulture)}× faster ({report.Elapsed.TotalSeconds:F1} s in all)[/]");

        var launches = report.Instances.Count(i => i.LaunchResult is not null);
        var abandoned = report.Instances.Count(i => i.LaunchResult == "ABANDON");
        var scaledIn = report.Instances.Count(i => i.ScaledIn && i.TerminateResult is not null);
        Check(report.Instances.All(i => i.AsExpected),
            $"every lifecycle action completed once, as expected: {launches} launches ({launches - abandoned} CONTINUE, {abandoned} ABANDON for the failed highstate), {scaledIn} scale-in CONTINUE");
        var kept = report.Instances.Count(i => !i.KeyDeleted);
        Check(report.Instances.All(i => i.KeyDeleted == (i.ScaledIn || i.Fails)),
            $"minion keys: {kept} accepted, {report.Instances.Count - kept} removed with their instances");
        Check(report.MessagesLeft == 0 && report.DeadLetters == 0,
            $"queue empty ({report.MessagesLeft} left), dead-letter queue empty ({report.DeadLetters})");
        Check(report.Violations.Count == 0 && report.StrayCalls == 0,
            $"{report.SaltCalls} salt-api calls, each targeting one exact, announced minion id ({report.Violations.Count + report.StrayCalls} violations)");
        if (report.TimedOut)
            Check(false, $"the run did not finish within {settings.Deadline}");

        console.MarkupLine(report.Passed ? "[bold green]PASS[/]" : "[bold red]FAIL[/]");
        if (!report.Passed)
        {
            foreach (var line in report.Warnings.TakeLast(20))
                console.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
            foreach (var violation in report.Violations)
                console.MarkupLine($"[red]{Markup.Escape(violation)}[/]");
        }
    }

    private Table LiveTable(DemoTracker tracker)
    {
        var done = tracker.Instances.Count(i => i.Done);
        var table = new Table().Border(TableBorder.Simple)
            .Title($"{done}/{tracker.Instances.Count} instances done")
            .AddColumn("minion id").AddColumn("via").AddColumn("now").AddColumn("steps so far").AddColumn(new TableColumn("launch*").RightAligned());
        foreach (var i in tracker.Instances)
        {
            var now = i.Done ? (i.AsExpected ? "[green]done[/]" : "[red]unexpected[/]") : $"[yellow]{Markup.Escape(i.Current)}[/]";
            table.AddRow(new Text(i.MinionId), new Text(i.Via), new Markup(now), new Text(string.Join(" → ", i.Steps)), new Text(Took(i)));
        }

        return table;
    }

    private string Took(DemoInstance instance)
    {
        if (instance.Started is not { } started)
            return "";
        var end = instance.LaunchCompletedAt ?? DateTimeOffset.UtcNow;
        var real = (end - started) * settings.Speed;
        return real.TotalMinutes >= 1 ? $"{(int)real.TotalMinutes}m{real.Seconds:00}s" : $"{real.Seconds}s";
    }

    private void Check(bool ok, string text) => console.MarkupLine($"{Mark(ok)} {Markup.Escape(text)}");

    private static string Mark(bool ok) => ok ? "[green]✓[/]" : "[red]✗[/]";
}
