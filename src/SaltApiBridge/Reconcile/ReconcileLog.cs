using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Reconcile;

internal static partial class ReconcileLog
{
    [LoggerMessage(5000, LogLevel.Information, "Reconcile: {Orphans} orphan key(s), {Strays} stray instance(s), {Deleted} key(s) deleted (apply {Apply})")]
    public static partial void Finished(ILogger logger, int orphans, int strays, int deleted, bool apply);

    [LoggerMessage(5001, LogLevel.Warning, "Reconcile refused to act: {Refusal}")]
    public static partial void Refused(ILogger logger, string refusal);

    [LoggerMessage(5002, LogLevel.Information, "Reconcile deleted the orphan key {MinionId} (instance {InstanceId} is gone)")]
    public static partial void OrphanDeleted(ILogger logger, string minionId, string instanceId);

    [LoggerMessage(5003, LogLevel.Warning, "Reconcile could not remove the record of {MinionId}: {Error}")]
    public static partial void RecordNotRemoved(ILogger logger, string minionId, string error);

    [LoggerMessage(5004, LogLevel.Warning, "Reconcile could not fire the key_deleted event for {MinionId}: {Error}")]
    public static partial void EventFailed(ILogger logger, string minionId, string error);

    [LoggerMessage(5005, LogLevel.Error, "Reconcile run failed unexpectedly; the next run tries again")]
    public static partial void RunFailed(ILogger logger, Exception exception);

    [LoggerMessage(5006, LogLevel.Information, "Reconcile over {Masters} masters: {Orphans} orphan key(s), {Strays} stray instance(s), {Splits} split key(s), {Deleted} key(s) deleted (apply {Apply})")]
    public static partial void FinishedOverMasters(ILogger logger, int masters, int orphans, int strays, int splits, int deleted, bool apply);

    [LoggerMessage(5007, LogLevel.Information, "Reconcile deleted the orphan key {MinionId} on master(s) {MasterNames} (instance {InstanceId} is gone)")]
    public static partial void OrphanDeletedOnMasters(ILogger logger, string minionId, string instanceId, string masterNames);
}
