using System.Globalization;
using SaltApiBridge.Hosting;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Status;

/// <summary>
/// What needs a person, in words, from a status's parts: work older than half its hook's heartbeat timeout (it may be
/// abandoned by AWS before it ends), a master down (its salt-api not answering, or its event stream not proven for
/// <see cref="StreamGrace"/>), key work owed for more than <see cref="OwedLimit"/>, any other dependency not answering,
/// messages in the dead-letter queue. <c>saltapibridge status</c> exits 1 when there is any.
/// </summary>
public static class StatusProblems
{
    /// <summary>A stream reconnecting (its token renewed, a blip) is not a master down.</summary>
    public static readonly TimeSpan StreamGrace = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan OwedLimit = TimeSpan.FromMinutes(30);

    public static IReadOnlyList<string> Find(
        DateTimeOffset now, IEnumerable<WorkStatus> inFlight, IEnumerable<MasterStatus> masters, IEnumerable<DependencyOutage> outages, QueueDepths? queue)
    {
        ArgumentNullException.ThrowIfNull(inFlight);
        ArgumentNullException.ThrowIfNull(masters);
        ArgumentNullException.ThrowIfNull(outages);
        var problems = new List<string>();
        foreach (var work in inFlight.Where(w => w.HookTimeoutSeconds is > 0 && w.AgeSeconds > w.HookTimeoutSeconds.Value / 2))
        {
            problems.Add($"{work.Kind} {work.InstanceId} has been in flight for {Duration(work.AgeSeconds)} (now: {work.Step}), " +
                $"more than half its hook's heartbeat timeout of {Duration(work.HookTimeoutSeconds!.Value)}");
        }

        var outageList = outages.ToList();
        foreach (var master in masters)
        {
            var dependency = DependencyNames.SaltApi(master.Name);
            if (outageList.FirstOrDefault(o => o.Dependency == dependency) is { } outage)
                problems.Add($"master {master.Name}: salt-api not answering for {Duration(now - outage.Since)} ({outage.Error})");
            else if (master.EventStreamDownSince is { } down && now - down >= StreamGrace)
                problems.Add($"master {master.Name}: event stream {master.EventStream} for {Duration(now - down)}; waits poll salt-api meanwhile");
            if (master.OwedSince is { } owed && now - owed > OwedLimit)
                problems.Add($"master {master.Name} is owed {master.OwedAccepts} key accept(s) and {master.OwedDeletes} delete(s) for {Duration(now - owed)}");
        }

        foreach (var outage in outageList.Where(o => !o.Dependency.StartsWith(DependencyNames.SaltApi(""), StringComparison.Ordinal)))
            problems.Add($"{outage.Dependency} not answering for {Duration(now - outage.Since)} ({outage.Error}); {outage.Meanwhile}");

        if (queue?.DeadLetter is { Visible: > 0 } deadLetter)
            problems.Add($"{deadLetter.Visible} message(s) in the dead-letter queue: work that never succeeded (see the log's retry lines)");
        return problems;
    }

    /// <summary>A short duration for a person: 45s, 3m05s, 2h10m, 3d4h.</summary>
    public static string Duration(TimeSpan span) => Duration(span.TotalSeconds);

    public static string Duration(double seconds)
    {
        var s = (long)Math.Max(0, Math.Floor(seconds));
        return s switch
        {
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{s}s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{s / 60}m{s % 60:00}s"),
            < 86400 => string.Create(CultureInfo.InvariantCulture, $"{s / 3600}h{s % 3600 / 60:00}m"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{s / 86400}d{s % 86400 / 3600}h"),
        };
    }
}
