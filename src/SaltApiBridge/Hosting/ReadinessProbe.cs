using System.Text;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Hosting;

/// <summary>
/// /readyz: the start-up checks passed, the queue resolves, salt-api answers an authenticated call and, with the DynamoDB
/// store, the coordination store is not in an outage (its own calls, a look every third of a lease, say so; no work
/// starts while it is down). Cached briefly so probes stay cheap.
/// </summary>
internal sealed class ReadinessProbe(
    StartupChecks startup,
    SqsMessageQueue queue,
    ISaltMaster salt,
    DependencyOutages outages,
    IOptions<CoordinationOptions> coordination,
    IOptions<HealthOptions> options,
    TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim checking = new(1, 1);
    private (DateTimeOffset At, ReadinessReport Report)? last;

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        await checking.WaitAsync(cancellationToken);
        try
        {
            // Not cached while the start-up checks run: their end shows at the next probe.
            if (startup.Pending is { } pending)
                return new ReadinessReport(false, "start-up: " + pending + "\n");
            if (last is { } cached && timeProvider.GetUtcNow() - cached.At < options.Value.ReadinessCacheDuration)
                return cached.Report;
            var text = new StringBuilder("start-up: ok\n");
            var ready = await CheckAsync("sqs", async () => { await queue.ProbeAsync(cancellationToken); return true; }, text, cancellationToken)
                & await CheckAsync("salt-api", () => salt.GetKeyStateAsync("saltapibridge-readiness-probe", cancellationToken), text, cancellationToken)
                & CheckStore(text);
            var report = new ReadinessReport(ready, text.ToString());
            last = (timeProvider.GetUtcNow(), report);
            return report;
        }
        finally
        {
            checking.Release();
        }
    }

    public void Dispose() => checking.Dispose();

    private bool CheckStore(StringBuilder text)
    {
        if (coordination.Value.Store != CoordinationStoreKind.DynamoDb)
            return true;
        var outage = outages.Current.FirstOrDefault(o => o.Dependency == DependencyNames.CoordinationStore);
        text.Append("coordination store: ").Append(outage is null ? "ok" : $"not answering since {outage.Since:u} ({outage.Error}); no new work starts").Append('\n');
        return outage is null;
    }

    private static async Task<bool> CheckAsync<T>(string name, Func<Task<T>> check, StringBuilder text, CancellationToken cancellationToken)
    {
        try
        {
            await check();
            text.Append(name).Append(": ok\n");
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            text.Append(name).Append(": ").Append(e.Message).Append('\n');
            return false;
        }
    }
}
