using SaltApiBridge.Coordination;
using SaltApiBridge.Hosting;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Status;

/// <summary>
/// What <c>GET /status</c> answers and <c>saltapibridge status</c> shows: this replica (name, build, up since), its work
/// in flight and last finished, each master, the queue, the dependencies not answering, the leases held, and what
/// needs a person (<see cref="Problems"/>, <see cref="StatusProblems"/>). Cheap to build: every part is kept in memory
/// or cached (the queue's depth, the owed key work), but the leases, a bounded read of the store.
/// </summary>
/// <param name="Queue">The last depths GetQueueAttributes gave (refreshed every 30 s); null before the first answer.</param>
/// <param name="Leases">Null when the store could not list them now.</param>
public sealed record StatusReport(
    string Replica,
    string Version,
    string Commit,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    DateTimeOffset At,
    QueueDepths? Queue,
    IReadOnlyList<WorkStatus> InFlight,
    IReadOnlyList<DoneStatus> Recent,
    IReadOnlyList<MasterStatus> Masters,
    IReadOnlyList<DependencyOutage> Outages,
    IReadOnlyList<LeaseInfo>? Leases,
    IReadOnlyList<string> Problems);
