using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Status;

/// <summary>
/// What this replica works on now and what it finished last (the newest <see cref="RecentCapacity"/>): the status view
/// reads it, and <c>saltapibridge_work_hook_timeout_ratio</c> (the highest age of work in flight against its hook's
/// heartbeat timeout; alert above 0.5) is computed from it. Bounded: one entry per instance in flight.
/// </summary>
public sealed class WorkBoard
{
    public const int RecentCapacity = 20;

    private readonly ConcurrentDictionary<WorkInProgress, byte> inFlight = new();
    private readonly ConcurrentQueue<WorkDone> recent = new();
    private readonly TimeProvider timeProvider;

    public WorkBoard(TimeProvider timeProvider, IMeterFactory? meterFactory = null)
    {
        this.timeProvider = timeProvider;
        BridgeMeter.Create(meterFactory).CreateObservableGauge(
            "work_hook_timeout_ratio",
            () => HookTimeoutRatio(),
            description: "The highest age, among the lifecycle actions in flight, against its hook's heartbeat timeout (0 when none)");
    }

    public IReadOnlyList<WorkInProgress> InFlight => [.. inFlight.Keys.OrderBy(w => w.Since)];

    /// <summary>Newest last.</summary>
    public IReadOnlyList<WorkDone> Recent => [.. recent];

    public WorkInProgress Start(LifecycleEventKind kind, string instanceId, string minionId, string? messageId, int attempt)
    {
        var work = new WorkInProgress(kind, instanceId, minionId, messageId, attempt, timeProvider.GetUtcNow());
        inFlight.TryAdd(work, 0);
        return work;
    }

    public void Finish(WorkInProgress work, string result, string summary)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!inFlight.TryRemove(work, out _))
            return;
        var now = timeProvider.GetUtcNow();
        recent.Enqueue(new WorkDone(work.Kind, work.InstanceId, work.MinionId, result, summary, now, now - work.Since, work.Master, work.Jid));
        while (recent.Count > RecentCapacity)
            recent.TryDequeue(out _);
    }

    /// <summary>The highest age against the hook's heartbeat timeout among work whose hook is known; 0 when none.</summary>
    public double HookTimeoutRatio()
    {
        var now = timeProvider.GetUtcNow();
        return inFlight.Keys
            .Where(w => w.HookTimeout is { Ticks: > 0 })
            .Select(w => (now - w.Since) / w.HookTimeout!.Value)
            .DefaultIfEmpty(0)
            .Max();
    }
}
