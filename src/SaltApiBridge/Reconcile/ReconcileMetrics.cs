using System.Diagnostics.Metrics;

namespace SaltApiBridge.Reconcile;

/// <summary>What the last reconcile found (gauges) and what runs did (counters). No minion or instance ids as labels.</summary>
internal sealed class ReconcileMetrics
{
    private readonly Counter<long> runs;
    private readonly Counter<long> deleted;
    private long orphans = -1;
    private long strays = -1;
    private long splits = -1;

    public ReconcileMetrics(IMeterFactory? meterFactory = null)
    {
        var meter = BridgeMeter.Create(meterFactory);
        runs = meter.CreateCounter<long>("reconcile_runs", description: "Reconcile runs, by outcome (clean, findings, refused)");
        deleted = meter.CreateCounter<long>("reconcile_keys_deleted", description: "Orphan keys reconcile deleted");
        meter.CreateObservableGauge("reconcile_orphans", () => Latest(ref orphans), description: "Orphan keys the last reconcile found");
        meter.CreateObservableGauge("reconcile_strays", () => Latest(ref strays), description: "Stray instances the last reconcile found");
        // Several masters only: with one there is nothing to disagree with, and no series appears.
        meter.CreateObservableGauge("reconcile_split_keys", () => Latest(ref splits), description: "Keys the last reconcile found accepted on some masters and not on others");
    }

    public void Ran(ReconcileReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var outcome = !report.Compared ? "refused"
            : report.Findings.Count > 0 ? "findings"
            : "clean";
        runs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        if (report.Deleted > 0)
            deleted.Add(report.Deleted);
        if (outcome != "refused")
        {
            Interlocked.Exchange(ref orphans, report.Orphans.Count());
            Interlocked.Exchange(ref strays, report.Strays.Count());
            if (report.Splits is { } split)
                Interlocked.Exchange(ref splits, split.Count());
        }
    }

    /// <summary>Nothing before the first complete run (an unknown count is not zero).</summary>
    private static IEnumerable<Measurement<long>> Latest(ref long value)
    {
        var current = Interlocked.Read(ref value);
        return current < 0 ? [] : [new Measurement<long>(current)];
    }
}
