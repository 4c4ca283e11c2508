namespace SaltApiBridge.Reconcile;

/// <summary>Reconciling keys with the fleet (configuration section "Reconcile"); <c>saltapibridge reconcile</c> takes its flags over these.</summary>
public sealed class ReconcileOptions
{
    public const string SectionName = "Reconcile";

    /// <summary>How often the daemon reconciles. Empty (the default): never; run <c>saltapibridge reconcile</c> instead.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>Whether the daemon's periodic run deletes orphan keys. Off: it reports them (log, metrics) only.</summary>
    public bool Apply { get; set; }

    /// <summary>A run that finds more orphans than this deletes none: so many usually means a wrong region, account or template.</summary>
    public int MaxDeletions { get; set; } = 10;
}
