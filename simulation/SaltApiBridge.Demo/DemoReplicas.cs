using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Demo;

/// <summary>
/// The demo's daemons with <c>--replicas 2</c>: each <c>saltapibridge run</c> in a process of its own (so one can be
/// killed as a host dies), on the demo's queue and one DynamoDB table in dynalite (started here, like the SQS emulator),
/// each next to a master of its own (the one it accepts keys and runs jobs through first). Their console lines (one per
/// entry) are the demo's log, each under its replica's name. replica1's highstates run on at its master until the demo
/// kills it (<see cref="KillMidRunAsync"/>), so the kill always finds one in progress.
/// </summary>
internal sealed partial class DemoReplicas(DynaliteEmulator dynalite) : IAsyncDisposable
{
    public const string TableName = "saltapibridge-demo";

    /// <summary>
    /// The queue's visibility timeout with replicas: a killed replica's messages come back after it. Well past the
    /// lease and the survivor's next look for unattended actions (at most 5 + 5/3 s after the kill), so the survivor
    /// takes the killed replica's actions over from their records before their messages come back.
    /// </summary>
    public const int QueueVisibilityTimeoutSeconds = 15;

    /// <summary>The shortest lease the daemon accepts: the dead replica's actions are taken over once it runs out.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly DynaliteEmulator dynalite = dynalite;
    private readonly List<(string Name, string Master, DaemonProcess Process)> replicas = [];

    /// <summary>Completed at the kill (or when the play ends without one): the held highstates run on from then.</summary>
    private readonly TaskCompletionSource killed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Minions whose highstate replica1's master held until the kill.</summary>
    private readonly ConcurrentDictionary<string, bool> held = new(StringComparer.Ordinal);

    public string Endpoint => dynalite.Endpoint;

    /// <summary>Each replica's name and the master it runs next to.</summary>
    public IReadOnlyList<(string Name, string Master)> Replicas => [.. replicas.Select(r => (r.Name, r.Master))];

    /// <summary>Every line the replicas wrote so far, each prefixed with its replica's name.</summary>
    public IReadOnlyList<DemoLogLine> Log => [.. replicas.SelectMany(r => Lines(r.Process).Select(l => Parse(r.Name, l)).OfType<DemoLogLine>())];

    /// <summary>Starts dynalite, the table, and <paramref name="count"/> daemons on <paramref name="settings"/> (their own master's added).</summary>
    public static async Task<DemoReplicas> StartAsync(
        int count, IReadOnlyDictionary<string, string?> settings, SimulatedMasters masters, (string Username, string Password) salt, string queueEndpoint,
        Action<string> say, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(masters);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, masters.Masters.Count);
        var directory = DynaliteEmulator.FindDirectory()
            ?? throw new InvalidOperationException("tools/dynalite not found: run the demo from the repository (dotnet run --project simulation/SaltApiBridge.Demo)");
        var started = new DemoReplicas(await DynaliteEmulator.StartAsync(directory, say, cancellationToken));
        try
        {
            await started.dynalite.CreateTableAsync(TableName, cancellationToken);
            // replica1 runs its jobs through its own master, master1: what master1 starts is replica1's.
            masters.Masters[0].HoldStateRun = started.HoldUntilKilled;
            for (var i = 0; i < count; i++)
            {
                var name = "replica" + (i + 1);
                var own = i;
                var configuration = new Dictionary<string, string?>(settings);
                foreach (var (key, value) in masters.DaemonSettings(salt.Username, salt.Password, own))
                    configuration[key] = value;
                foreach (var (key, value) in ReplicaSettings(started.dynalite.Endpoint, queueEndpoint, name))
                    configuration[key] = value;
                started.replicas.Add((name, SimulatedMasters.NameOf(own), DaemonProcess.Start(null, ["run"], Json(configuration))));
            }

            foreach (var (name, _, process) in started.replicas)
                await UntilWorkingAsync(name, process, masters.Masters.Count, cancellationToken);
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Kills replica1 (SIGKILL: no drain, its leases left to run out) while it has a launch at its highstate (held at
    /// master1 until the kill; the record holds the jid the survivor will wait for) and a third of the launches are
    /// completed — or every other launch is, when replica1 took on most of them. Should replica1 have received no launch
    /// with a highstate (both replicas poll the queue), it is killed once every launch is completed. Null when the play
    /// ended before.
    /// </summary>
    public async Task<DemoKill?> KillMidRunAsync(DemoTracker tracker, Task play, Stopwatch clock)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(play);
        ArgumentNullException.ThrowIfNull(clock);
        var (name, master, process) = replicas[0];
        var third = Math.Max(1, tracker.Instances.Count / 3);
        try
        {
            List<DemoInstance> atHighstate;
            while (true)
            {
                var launched = tracker.Instances.Count(i => i.LaunchResult is not null);
                atHighstate = [.. tracker.Instances.Where(i => i.LaunchResult is null && held.ContainsKey(i.MinionId))];
                var restDone = tracker.Instances.All(i => i.LaunchResult is not null || held.ContainsKey(i.MinionId));
                if ((atHighstate.Count > 0 && (launched >= third || restDone)) || launched == tracker.Instances.Count)
                    break;
                if (play.IsCompleted)
                    return null;
                await Task.WhenAny(play, Task.Delay(Tick, CancellationToken.None));
            }

            await process.KillAsync();
            // Its log may lag behind: a launch held at its highstate is in progress whatever the log shows yet.
            var inProgress = InProgress(process, tracker).Select(w => w.Instance).Union(atHighstate).Count();
            var kill = new DemoKill(name, master, clock.Elapsed, inProgress, atHighstate.Count);
            tracker.Kill = kill;
            return kill;
        }
        finally
        {
            killed.TrySetResult();
        }
    }

    /// <summary>
    /// Lifecycle actions the other replicas took over from <paramref name="replica"/>'s records and completed: a
    /// "Taking over" line (logged before the duplicate and lease checks, so alone it proves nothing) followed by that
    /// takeover's end with a completion (CONTINUE or ABANDON) for the same instance.
    /// </summary>
    public int TakenOverFrom(string replica)
    {
        var completed = 0;
        foreach (var (_, _, process) in replicas.Where(r => r.Name != replica))
        {
            var takingOverFrom = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var line in Lines(process))
            {
                if (TakingOverLine().Match(line) is { Success: true } taking)
                    takingOverFrom[taking.Groups["instance"].Value] = taking.Groups["replica"].Value;
                else if (TakeoverEndedLine().Match(line) is { Success: true } ended
                    && takingOverFrom.Remove(ended.Groups["instance"].Value, out var from) && from == replica
                    && ended.Groups["result"].Value is "CONTINUE" or "ABANDON")
                    completed++;
            }
        }

        return completed;
    }

    /// <summary>SIGTERM to the replicas still running (as systemd stops them), each given time to drain.</summary>
    public async Task StopAsync()
    {
        foreach (var (_, _, process) in replicas.Where(r => !r.Process.HasExited))
        {
            await process.SigtermAsync(CancellationToken.None);
            try
            {
                await process.ExitCodeAsync(StopTimeout, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // Disposing kills it.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        killed.TrySetResult();
        foreach (var (_, _, process) in replicas)
            await process.DisposeAsync();
        await dynalite.DisposeAsync();
    }

    /// <summary>
    /// What a replica adds to the demo's settings: the queue's endpoint (its own SQS client, credentials from its
    /// environment), the DynamoDB store on the demo's table with the shortest lease, its console as the demo's log.
    /// </summary>
    private static Dictionary<string, string?> ReplicaSettings(string tableEndpoint, string queueEndpoint, string name) => new()
    {
        ["Queue:ServiceUrl"] = queueEndpoint,
        ["Queue:Region"] = FauxqsEmulator.Region,
        // The shortest the daemon accepts (the queue's own, <see cref="QueueVisibilityTimeoutSeconds"/>, too): what the
        // dead replica had received but not taken on comes back soon.
        ["Queue:VisibilityTimeoutSeconds"] = QueueVisibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Pipeline:VisibilityExtensionInterval"] = "00:00:03",
        ["Pipeline:LockedRetryDelay"] = "00:00:01",
        ["Coordination:Store"] = "DynamoDb",
        ["Coordination:TableName"] = TableName,
        ["Coordination:ServiceUrl"] = tableEndpoint,
        ["Coordination:Region"] = DynaliteEmulator.Region,
        ["Coordination:ReplicaName"] = name,
        ["Coordination:LeaseDuration"] = LeaseDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        // The daemon's console is the demo's log: one plain line per entry.
        ["Logging:Console:LogLevel:Default"] = null,
        ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
    };

    /// <summary>master1's hold: replica1's highstates run on (the minion at it) until the kill; other runs as usual.</summary>
    private Task? HoldUntilKilled(string minion, string function)
    {
        if (function != "state.highstate" || killed.Task.IsCompleted)
            return null;
        held[minion] = true;
        return killed.Task;
    }

    /// <summary>Working: its event stream proven on every master (the start-up checks passed, it polls).</summary>
    private static async Task UntilWorkingAsync(string name, DaemonProcess process, int masters, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (Lines(process).Count(l => l.Contains("Event stream proven", StringComparison.Ordinal)) < masters)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"{name} did not start: {string.Join(" | ", Lines(process).TakeLast(5))}");
            await Task.Delay(Tick, cancellationToken);
        }
    }

    /// <summary>
    /// The replica's lifecycle actions in progress: its latest work line for the instance is a start (from a message or
    /// a record), and the simulators have not seen that action completed (its log may lag behind).
    /// </summary>
    private static List<(string Kind, DemoInstance Instance)> InProgress(DaemonProcess process, DemoTracker tracker)
    {
        var latest = new Dictionary<string, (string Kind, bool Started)>(StringComparer.Ordinal);
        foreach (var match in Lines(process).Select(l => WorkLine().Match(l)).Where(m => m.Success))
            latest[match.Groups["instance"].Value] = (match.Groups["kind"].Value, match.Groups["id"].Value is "2003" or "2036");
        return [.. tracker.Instances
            .Where(i => latest.TryGetValue(i.InstanceId, out var work) && work.Started)
            .Select(i => (latest[i.InstanceId].Kind, i))
            .Where(w => w.Kind switch
            {
                "Launching" => w.i.LaunchResult is null,
                "Terminating" => w.i.TerminateResult is null,
                _ => !w.i.KeyDeleted,
            })];
    }

    private static List<string> Lines(DaemonProcess process) =>
        [.. process.Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];

    /// <summary>"2026-12-06T14:01:52.269Z info: SaltApiBridge.…[2003] …" as the demo's line "replica1: info: SaltApiBridge.…[2003] …".</summary>
    private static DemoLogLine? Parse(string replica, string line)
    {
        var match = ConsoleLine().Match(line);
        if (!match.Success)
            return null;
        var level = match.Groups["level"].Value switch
        {
            "crit" => LogLevel.Critical,
            "fail" => LogLevel.Error,
            "warn" => LogLevel.Warning,
            "info" => LogLevel.Information,
            "dbug" => LogLevel.Debug,
            _ => LogLevel.Trace,
        };
        return new DemoLogLine(level, $"{replica}: {match.Groups["level"].Value}: {match.Groups["text"].Value}");
    }

    /// <summary>The settings as the JSON file <c>--config</c> reads ("A:B:C" keys nested; a null value left out).</summary>
    private static string Json(IReadOnlyDictionary<string, string?> settings)
    {
        var root = new JsonObject();
        foreach (var (key, value) in settings.Where(s => s.Value is not null))
        {
            var path = key.Split(':');
            var node = root;
            foreach (var part in path[..^1])
                node = node[part] as JsonObject ?? (JsonObject)(node[part] = new JsonObject());
            node[path[^1]] = value;
        }

        return root.ToJsonString();
    }

    [GeneratedRegex(@"^(?:\S+Z )?(?<level>trce|dbug|info|warn|fail|crit): (?<text>.*)$")]
    private static partial Regex ConsoleLine();

    [GeneratedRegex(@"\[(?<id>2003|2004|2005|2036)\] (?<kind>\w+) (?<instance>i-[0-9a-f]+) as ")]
    private static partial Regex WorkLine();

    /// <summary>Event 2032: a record found unattended, before its duplicate and lease checks.</summary>
    [GeneratedRegex(@"\[2032\] Taking over \w+ (?<instance>i-[0-9a-f]+) as \S+ from (?<replica>[^:]+): ")]
    private static partial Regex TakingOverLine();

    /// <summary>Event 2034: how the takeover ended (CONTINUE, ABANDON, duplicate, retry, action gone, …).</summary>
    [GeneratedRegex(@"\[2034\] Takeover of (?<instance>i-[0-9a-f]+) as \S+ ended: (?<result>[^:]+): ")]
    private static partial Regex TakeoverEndedLine();
}
