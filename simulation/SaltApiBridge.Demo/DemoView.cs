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
            // Cropped at the bottom: the title and header stay on screen however small the terminal.
            await console.Live(LiveTable(tracker)).AutoClear(true).Overflow(VerticalOverflow.Ellipsis).Cropping(VerticalOverflowCropping.Bottom).StartAsync(async context =>
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
        var scalingIn = false;
        var killed = false;
        while (true)
        {
            if (!killed && tracker.Kill is { } kill)
            {
                killed = true;
                console.MarkupLine($"[yellow]{Markup.Escape(Killed(kill))}[/]");
            }

            if (!scalingIn && tracker.ScalingIn)
            {
                scalingIn = true;
                console.MarkupLine($"[grey]{Markup.Escape(Progress(tracker))}[/]");
            }

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
        var idWidth = report.Instances.Max(i => i.MinionId.Length);
        // A narrow terminal (80 columns) keeps ids whole: no via column, a one-word result, the steps wrapped.
        var wide = console.Profile.Width >= idWidth + 90;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]SaltApiBridge demo[/] — seed {settings.Seed}, {settings.Speed.ToString(CultureInfo.InvariantCulture)}× real time")
            .AddColumn(new TableColumn("minion id").Width(idWidth).NoWrap());
        if (wide)
            table.AddColumn("via");
        table.AddColumn("steps").AddColumn(new TableColumn("result").NoWrap()).AddColumn(new TableColumn("launch*").NoWrap().RightAligned());
        foreach (var i in report.Instances)
        {
            var outcome = wide ? i.Outcome : i.Outcome.Split(',', '(')[0].Trim();
            List<Spectre.Console.Rendering.IRenderable> cells = [new Text(i.MinionId)];
            if (wide)
                cells.Add(new Text(i.Via));
            cells.Add(new Text(string.Join(" → ", i.Steps)));
            cells.Add(new Markup(i.AsExpected ? $"[green]{Markup.Escape(outcome)}[/]" : $"[red]{Markup.Escape(outcome)}[/]"));
            cells.Add(new Text(Took(i)));
            table.AddRow(cells);
        }

        console.Write(table);
        console.MarkupLine($"[grey]* real-world time from the launch message to the completed lifecycle action; the demo ran {settings.Speed.ToString(CultureInfo.InvariantCulture)}× faster ({report.Elapsed.TotalSeconds:F1} s in all)[/]");

        var launches = report.Instances.Count(i => i.LaunchResult is not null);
        var abandoned = report.Instances.Count(i => i.LaunchResult == "ABANDON");
        var scaledIn = report.Instances.Count(i => i.ScaledIn && i.TerminateResult is not null);
        Check(report.Instances.All(i => i.AsExpected),
            $"every lifecycle action completed once, as expected: {launches} launches ({launches - abandoned} CONTINUE, {abandoned} ABANDON for the failed highstate), {scaledIn} scale-in CONTINUE");
        var kept = report.Instances.Count(i => !i.KeyDeleted);
        Check(report.Instances.All(i => i.KeyDeleted == (i.ScaledIn || i.Fails)) && report.KeysMisplaced.Count == 0,
            $"minion keys: {kept} accepted, {report.Instances.Count - kept} removed with their instances"
            + (settings.Masters > 1 ? $", on each of the {settings.Masters} masters" : ""));
        foreach (var misplaced in report.KeysMisplaced.Take(10))
            console.MarkupLine($"[red]  {Markup.Escape(misplaced)}[/]");
        Check(report.MessagesLeft == 0 && report.DeadLetters == 0,
            $"queue empty ({report.MessagesLeft} left), dead-letter queue empty ({report.DeadLetters})");
        Check(report.Violations.Count == 0 && report.StrayCalls == 0,
            $"{report.SaltCalls} salt-api calls, each targeting one exact, announced minion id ({report.Violations.Count + report.StrayCalls} violations)");
        console.MarkupLine("[grey]  (the call count may differ by a few between runs of one seed: how often the bridge polls keys, pings and jobs depends on timing)[/]");
        if (report.TimedOut)
            Check(false, $"the run did not finish within {settings.Deadline}");
        if (report.ReplicaRun is { } replicas)
            console.MarkupLine($"[grey]  {Markup.Escape(replicas.Describe(DemoReplicas.LeaseDuration))}[/]");

        console.MarkupLine(report.ReplicaRun is null
            ? "[bold]What the daemon logged for a few of them[/] [grey](its own lines, as an operator reads them in the journal)[/]"
            : "[bold]What the daemons logged for a few of them[/] [grey](their own lines, each under its replica's name, as an operator reads them in the journals)[/]");
        foreach (var (instance, lines) in report.LogOfAFew())
        {
            console.MarkupLine($"  [bold]{Markup.Escape(instance.MinionId)}[/] [grey]({Markup.Escape(Story(instance, lines))})[/]");
            foreach (var line in lines)
                console.MarkupLine($"    [grey]{Markup.Escape(line)}[/]");
        }

        console.MarkupLine(report.Passed ? "[bold green]PASS[/]" : "[bold red]FAIL[/]");
        if (!report.Passed)
        {
            foreach (var line in report.Warnings.TakeLast(20))
                console.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
            foreach (var violation in report.Violations)
                console.MarkupLine($"[red]{Markup.Escape(violation)}[/]");
        }
    }

    /// <summary>The live view's title: how far the run got, and the replica killed once it is.</summary>
    internal static string Headline(DemoTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        return tracker.Kill is { } kill ? Progress(tracker) + " · " + Killed(kill) : Progress(tracker);
    }

    /// <summary>Which half of the run is playing, and how far it got.</summary>
    private static string Progress(DemoTracker tracker)
    {
        var all = tracker.Instances;
        return tracker.ScalingIn
            ? $"scaling in: {all.Count(i => i.ScaledIn && i.Done)}/{all.Count(i => i.ScaledIn)} removed; {all.Count(i => i.Done)}/{all.Count} instances done"
            : $"scaling out: {all.Count(i => i.LaunchResult is not null)}/{all.Count} launches completed";
    }

    /// <summary>What the live view says of the replica the demo killed.</summary>
    internal static string Killed(DemoKill kill)
    {
        ArgumentNullException.ThrowIfNull(kill);
        return $"{kill.Replica} killed (SIGKILL) at {kill.At.TotalSeconds:F1} s with {Actions(kill.InProgress)} in progress"
            + (kill.AtHighstate == 0 ? "" : $" ({kill.AtHighstate} at {(kill.AtHighstate == 1 ? "its highstate" : "their highstates")} on {kill.Master})")
            + $": the other replica takes them over from their records once their leases ({DemoReplicas.LeaseDuration.TotalSeconds:F0} s) run out";
    }

    /// <summary>"1 lifecycle action", "3 lifecycle actions".</summary>
    internal static string Actions(int count) => count == 1 ? "1 lifecycle action" : $"{count} lifecycle actions";

    private static string Story(DemoInstance instance) =>
        instance.Fails ? "its highstate failed: ABANDON, then terminated"
        : instance.GoldenImage ? "a golden image: key accepted, no highstate"
        : instance.ScaledIn ? "launched, then scaled in" : "launched";

    /// <summary>The story, and who finished the launch when a replica took it over from its record.</summary>
    private static string Story(DemoInstance instance, IReadOnlyList<string> lines) =>
        lines.FirstOrDefault(l => l.Contains("Taking over Launching ", StringComparison.Ordinal)) is { } takeover
            ? $"{Story(instance)}; its launch taken over by {takeover[..takeover.IndexOf(':', StringComparison.Ordinal)]} after the kill"
            : Story(instance);

    private Table LiveTable(DemoTracker tracker)
    {
        var idWidth = tracker.Instances.Max(i => i.MinionId.Length);
        // Fixed widths, so columns do not jump as steps grow; the steps only where the terminal is wide enough.
        var withSteps = console.Profile.Width >= idWidth + 60;
        var table = new Table().Border(TableBorder.Simple)
            .Title(Headline(tracker))
            .AddColumn(new TableColumn("minion id").Width(idWidth).NoWrap())
            .AddColumn(new TableColumn("via").Width(11).NoWrap())
            .AddColumn(new TableColumn("now").Width(16).NoWrap());
        if (withSteps)
            table.AddColumn(new TableColumn("steps so far"));
        table.AddColumn(new TableColumn("launch*").Width(7).NoWrap().RightAligned());
        // What is still moving first, so a short terminal shows it; at most what fits under the title and header.
        var rows = tracker.Instances.OrderBy(i => i.Done).Take(Math.Max(1, console.Profile.Height - 7));
        foreach (var i in rows)
        {
            List<Spectre.Console.Rendering.IRenderable> cells = [new Text(i.MinionId), new Text(i.Via), new Markup(Now(i))];
            if (withSteps)
                cells.Add(new Text(string.Join(" → ", i.Steps)));
            cells.Add(new Text(Took(i)));
            table.AddRow(cells);
        }

        return table;
    }

    /// <summary>One word and one colour per state: resting states green (in service, removed), moving ones yellow.</summary>
    private static string Now(DemoInstance instance) =>
        instance.Done && !instance.AsExpected ? "[red]unexpected[/]"
        : instance.Done && instance.KeyDeleted ? "[green]removed[/]"
        : instance.Current == "in service" || (instance.Done && instance.LaunchResult == "CONTINUE") ? "[green]in service[/]"
        : $"[yellow]{Markup.Escape(instance.Current)}[/]";

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
