using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SaltApiBridge.Hosting;
using SaltApiBridge.Reconcile;

namespace SaltApiBridge.Cli;

/// <summary>
/// <c>saltapibridge reconcile</c>: accepted keys of the configured groups against their live instances. Orphans (key,
/// no instance) and strays (instance in service, no accepted key or no successful highstate on record), and with several
/// masters split keys (accepted on some masters only) and each key's state per master, as a table or JSON. A dry run
/// by default; <c>--apply</c> deletes orphan keys, within the guards of <see cref="FleetReconciler"/>.
/// Exit 0 when it ran, 1 when it refused to act (partial answer, too many orphans), 2 on bad input or configuration.
/// </summary>
public static class ReconcileCommand
{
    public const int RefusedExitCode = 1;

    /// <param name="configureServices">Service overrides applied last (tests).</param>
    public static Command Create(Action<IServiceCollection>? configureServices = null)
    {
        var config = CliOptions.Config();
        var dryRun = new Option<bool>("--dry-run") { Description = "Report only (the default)." };
        var apply = new Option<bool>("--apply") { Description = "Delete the orphan keys (and fire saltapibridge/key_deleted for each)." };
        var maxDeletions = new Option<int?>("--max-deletions")
        {
            Description = "Delete nothing when there are more orphans than this (default: Reconcile:MaxDeletions, 10).",
        };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of a table." };
        var command = new Command("reconcile", "Compare accepted minion keys with the live instances of the configured groups; show orphans and strays, and with --apply delete orphan keys.")
        {
            config, dryRun, apply, maxDeletions, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (parse.GetValue(apply) && parse.GetValue(dryRun))
                return await FailAsync(error, "--apply and --dry-run exclude each other");
            if (parse.GetValue(maxDeletions) is { } max && max is < 1 or > ReconcileOptionsValidator.LargestMaxDeletions)
                return await FailAsync(error, $"--max-deletions must be between 1 and {ReconcileOptionsValidator.LargestMaxDeletions}");
            return await RunAsync(
                parse.GetValue(config), parse.GetValue(apply), parse.GetValue(maxDeletions), parse.GetValue(json),
                output, error, configureServices, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        FileInfo? configFile, bool apply, int? maxDeletions, bool json, TextWriter output, TextWriter error,
        Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        if (!CliOptions.TryLoadConfiguration(configFile, out var configuration, out var invalid, out var unreadable))
            return await FailAsync(error, unreadable!);

        var services = new ServiceCollection().AddLogging().AddSingleton(configuration).AddSingleton(invalid);
        services.AddFleetReconcile(configuration);
        configureServices?.Invoke(services);
        await using var provider = services.BuildServiceProvider();
        // No queue and no HTTP endpoint here: only what the reconciler and its clients read must be valid.
        var problems = BridgeHost.ConfigurationProblems(provider, includeQueueAndHealth: false);
        if (problems.Count > 0)
        {
            return await CliOptions.WriteConfigurationProblemsAsync(error, problems);
        }

        var limit = maxDeletions ?? provider.GetRequiredService<IOptions<ReconcileOptions>>().Value.MaxDeletions;
        // Disposing the provider logs out of salt-api: a one-shot command leaves no 12-hour token behind.
        var report = await provider.GetRequiredService<FleetReconciler>().RunAsync(apply, limit, cancellationToken);

        if (json)
            await output.WriteLineAsync(JsonSerializer.Serialize(report, ReconcileJsonContext.Default.ReconcileReport));
        else if (report.Compared)
            await WriteTableAsync(output, report);
        if (report.Refusal is { } refusal)
        {
            await error.WriteLineAsync("error: " + refusal);
            return RefusedExitCode;
        }

        return 0;
    }

    private static async Task WriteTableAsync(TextWriter output, ReconcileReport report)
    {
        // The MASTERS column only with several masters: one master's table stays as it was.
        var several = report.Masters is not null;
        if (report.Findings.Count > 0)
        {
            string[] header = several
                ? ["KIND", "MINION ID", "INSTANCE", "GROUP", "MASTERS", "REASON", "ACTION"]
                : ["KIND", "MINION ID", "INSTANCE", "GROUP", "REASON", "ACTION"];
            var rows = report.Findings
                .Select(f => several
                    ? new[] { KindName(f.Kind), f.MinionId, f.InstanceId, f.Group, MastersCell(f), f.Reason, f.Action }
                    : [KindName(f.Kind), f.MinionId, f.InstanceId, f.Group, f.Reason, f.Action])
                .ToList();
            var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
            foreach (var row in rows.Prepend(header))
                await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }

        foreach (var note in report.Notes)
            await output.WriteLineAsync("note: " + note);
        var orphans = report.Orphans.Count();
        var summary = several
            ? string.Create(CultureInfo.InvariantCulture,
                $"{report.KeysConsidered} key(s) of the configured groups on {Answered(report.Masters!)}, {report.InstancesConsidered} live instance(s): {orphans} orphan(s), {report.Strays.Count()} stray(s), {report.Splits!.Count()} split key(s); ")
            : string.Create(CultureInfo.InvariantCulture,
                $"{report.KeysConsidered} key(s) of the configured groups, {report.InstancesConsidered} live instance(s): {orphans} orphan(s), {report.Strays.Count()} stray(s); ");
        summary += report.Applied ? $"{report.Deleted} key(s) deleted" : orphans > 0 ? "dry run, nothing deleted (--apply deletes the orphans)" : "dry run";
        await output.WriteLineAsync(summary);
    }

    private static string KindName(FindingKind kind) => kind switch
    {
        FindingKind.Orphan => "orphan",
        FindingKind.Stray => "stray",
        _ => "split",
    };

    /// <summary>"m1:accepted m2:pending": the key on each master that answered.</summary>
    private static string MastersCell(ReconcileFinding finding) =>
        string.Join(" ", (finding.Masters ?? []).Select(m => $"{m.Master}:{m.State.ToString().ToLowerInvariant()}"));

    private static string Answered(IReadOnlyList<ReconcileMaster> masters)
    {
        var answered = masters.Where(m => m.Answered).Select(m => m.Name).ToList();
        return answered.Count == masters.Count
            ? $"{masters.Count} masters ({string.Join(", ", answered)})"
            : $"{answered.Count} of {masters.Count} masters ({string.Join(", ", answered)})";
    }

    private static async Task<int> FailAsync(TextWriter error, string reason)
    {
        await error.WriteLineAsync("error: " + reason);
        return CliOptions.BadInputExitCode;
    }
}
