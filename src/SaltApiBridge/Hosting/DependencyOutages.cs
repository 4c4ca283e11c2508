using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Hosting;

/// <summary>
/// The daemon's dependencies (each salt-api master, SQS, Auto Scaling, the coordination store) as an operator sees them:
/// one warning when one stops answering (what, the error in words, what the daemon does meanwhile), one line when it
/// answers again (after how long); every failure in between is Debug. <see cref="Current"/> feeds /readyz and status;
/// <c>saltapibridge_dependency_down{dependency}</c> is 1 while an outage lasts.
/// </summary>
public sealed class DependencyOutages
{
    private readonly ConcurrentDictionary<string, DependencyOutage> down = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> known = new(StringComparer.Ordinal);
    private readonly TimeProvider timeProvider;
    private readonly ILogger<DependencyOutages> logger;

    public DependencyOutages(TimeProvider timeProvider, ILogger<DependencyOutages> logger, IMeterFactory? meterFactory = null)
    {
        this.timeProvider = timeProvider;
        this.logger = logger;
        BridgeMeter.Create(meterFactory).CreateObservableGauge(
            "dependency_down",
            () => known.Keys.Select(d => new Measurement<int>(down.ContainsKey(d) ? 1 : 0, new KeyValuePair<string, object?>("dependency", d))),
            description: "1 while a dependency does not answer (salt-api per master, sqs, autoscaling, coordination_store)");
    }

    /// <summary>Dependencies not answering now, oldest outage first.</summary>
    public IReadOnlyList<DependencyOutage> Current => [.. down.Values.OrderBy(o => o.Since)];

    public bool IsDown(string dependency) => down.ContainsKey(dependency);

    /// <summary>A call to <paramref name="dependency"/> failed: the first failure of an outage is the warning, later ones Debug.</summary>
    /// <param name="meanwhile">What the daemon does until it answers, in words ("messages go back to the queue").</param>
    public void Failed(string dependency, string error, string meanwhile)
    {
        known.TryAdd(dependency, 0);
        var outage = new DependencyOutage(dependency, timeProvider.GetUtcNow(), error, meanwhile);
        if (down.TryAdd(dependency, outage))
            DependencyLog.OutageStarted(logger, dependency, error, meanwhile);
        else
            DependencyLog.StillDown(logger, dependency, error);
    }

    /// <summary>A call to <paramref name="dependency"/> succeeded: ends its outage, if any, with one line. Cheap when none.</summary>
    public void Answered(string dependency)
    {
        known.TryAdd(dependency, 0);
        if (!down.IsEmpty && down.TryRemove(dependency, out var outage))
            DependencyLog.OutageEnded(logger, dependency, timeProvider.GetUtcNow() - outage.Since);
    }
}
