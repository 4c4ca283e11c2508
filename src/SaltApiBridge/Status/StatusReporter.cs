using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;
using SaltApiBridge.Hosting;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Status;

/// <summary>
/// Builds <see cref="StatusReport"/> for <c>GET /status</c> from what the daemon keeps: the work board, the queue's
/// cached depth, the dependency outages, each master's event stream and owed key work (cached), and the leases (a
/// bounded read, given <see cref="LeaseListingTimeout"/>). A hosted service only to know when the daemon started.
/// </summary>
internal sealed class StatusReporter(
    WorkBoard board,
    QueueDepthMonitor queue,
    DependencyOutages outages,
    SaltEventWaiters primaryEvents,
    SaltMasters masters,
    IOptions<SaltApiOptions> salt,
    OwedKeyCensus owed,
    ILeaseListing leases,
    IOptions<CoordinationOptions> coordination,
    TimeProvider timeProvider) : IHostedService
{
    public static readonly TimeSpan LeaseListingTimeout = TimeSpan.FromSeconds(3);

    private DateTimeOffset startedAt = timeProvider.GetUtcNow();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        startedAt = timeProvider.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<StatusReport> ReportAsync(CancellationToken cancellationToken)
    {
        var debts = await owed.CurrentAsync(cancellationToken);
        var leased = await ListLeasesAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var inFlight = board.InFlight.Select(w => new WorkStatus(
            w.Kind.ToString(), w.InstanceId, w.MinionId, w.Step, w.Since, Seconds(now - w.Since), w.Attempt, w.MessageId, w.Master, w.Jid,
            w.HookTimeout is { } timeout ? Seconds(timeout) : null)).ToList();
        var recent = board.Recent.Reverse().Select(d => new DoneStatus(
            d.Kind.ToString(), d.InstanceId, d.MinionId, d.Result, d.Summary, d.Ended, Seconds(d.Took), d.Master, d.Jid)).ToList();
        var down = outages.Current;
        var masterStates = Streams().Select(m =>
        {
            var debt = debts?.GetValueOrDefault(m.Name);
            return new MasterStatus(
                m.Name,
                !outages.IsDown(DependencyNames.SaltApi(m.Name)),
                !m.Enabled ? "off" : m.Waiters.IsLive ? "proven" : m.Waiters.IsConnected ? "connected" : "down",
                m.Enabled ? m.Waiters.NotLiveSince : null,
                m.Waiters.LastEventAt,
                debt?.Accepts,
                debt?.Deletes,
                debt?.Since);
        }).ToList();
        var depths = queue.Current;
        var build = BuildVersion.Current;
        return new StatusReport(
            coordination.Value.EffectiveReplicaName, build.Version, build.Commit, startedAt, Seconds(now - startedAt), now, depths,
            inFlight, recent, masterStates, down, leased, StatusProblems.Find(now, inFlight, masterStates, down, depths));
    }

    /// <summary>Each master's event stream, in configuration order.</summary>
    private IEnumerable<(string Name, SaltEventWaiters Waiters, bool Enabled)> Streams()
    {
        yield return (salt.Value.Name, primaryEvents, salt.Value.EventStream.Enabled);
        foreach (var further in masters.Further)
            yield return (further.Name, further.Waiters, further.Options.Value.EventStream.Enabled);
    }

    private async Task<IReadOnlyList<LeaseInfo>?> ListLeasesAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(LeaseListingTimeout);
        try
        {
            return await leases.ListAsync(bounded.Token);
        }
        catch (Exception e) when (e is CoordinationStoreException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The store's own outage line says it went; the status says the leases are unknown.
            return null;
        }
    }

    private static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 1);
}
