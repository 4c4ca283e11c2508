using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Pipeline;

/// <summary>
/// The second source of work beside the queue: lifecycle actions in progress whose replica is gone, resumed from their
/// records at once instead of when their messages come back (after the queue's visibility timeout). With the DynamoDB
/// store every replica looks, every third of <see cref="CoordinationOptions.LeaseDuration"/>, for actions whose lease
/// ran out (a bounded query of a sparse index, never the whole fleet); with the File store the daemon looks once at
/// start, for the actions its host's process left behind. At most <see cref="PipelineOptions.MaxInFlight"/> are resumed
/// at once; on stop they get <see cref="PipelineOptions.DrainTimeout"/> to finish, then are interrupted (their leases
/// given back, their messages still in the queue).
/// </summary>
internal sealed class UnattendedActions(
    IProvisioningRecords records,
    InstanceTurns turns,
    StartupChecks checks,
    IOptions<CoordinationOptions> coordination,
    IOptions<PipelineOptions> pipeline,
    TimeProvider timeProvider,
    ILogger<UnattendedActions> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> resuming = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> notResumable = new(StringComparer.Ordinal);

    /// <summary>Actions being resumed now.</summary>
    public int Resuming => resuming.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!records.IsDurable || !await StartupPassedAsync(stoppingToken))
            return;
        using var abort = new CancellationTokenSource();
        using var onStop = stoppingToken.Register(() => _ = AbortAfterDrainAsync(abort));
        try
        {
            await LookAsync(abort.Token, stoppingToken);
            if (coordination.Value.Store == CoordinationStoreKind.DynamoDb)
            {
                using var timer = new PeriodicTimer(coordination.Value.LeaseDuration / 3, timeProvider);
                while (await timer.WaitForNextTickAsync(stoppingToken))
                    await LookAsync(abort.Token, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(resuming.Values);
        }
    }

    /// <summary>Like the queue's worker: nothing is resumed before the start-up checks passed (credentials, hooks).</summary>
    private async Task<bool> StartupPassedAsync(CancellationToken stoppingToken)
    {
        try
        {
            return await checks.Passed.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>One look: the unattended actions not already being resumed here, up to the room left.</summary>
    public async Task LookAsync(CancellationToken abortWork, CancellationToken cancellationToken)
    {
        var room = pipeline.Value.MaxInFlight - resuming.Count;
        if (room <= 0)
            return;
        IReadOnlyList<ProvisioningRecord> found;
        try
        {
            found = await records.ListUnattendedAsync(room, cancellationToken);
        }
        catch (Exception e) when (e is CoordinationStoreException or IOException or UnauthorizedAccessException)
        {
            // The store's own outage line says it went; the next look tries again.
            PipelineLog.UnattendedLookFailed(logger, e.Message);
            return;
        }

        foreach (var record in found)
        {
            if (notResumable.TryGetValue(record.MinionId, out var version) && version == record.Version)
                continue;
            if (resuming.ContainsKey(record.MinionId))
                continue;
            // The resume starts only once it is listed: one that ends at once must find its entry to remove.
            var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            resuming[record.MinionId] = ResumeAsync(record, listed.Task, abortWork);
            listed.SetResult();
        }
    }

    private async Task ResumeAsync(ProvisioningRecord record, Task listed, CancellationToken abortWork)
    {
        await listed;
        try
        {
            var outcome = await turns.ResumeAsync(record, abortWork);
            if (outcome.Result == InstanceTurns.NotResumable)
                notResumable[record.MinionId] = record.Version;
            PipelineLog.TakeoverEnded(logger, record.InstanceId, record.MinionId, outcome.Result, outcome.Summary);
        }
        catch (Exception e)
        {
            // InstanceTurns turns every expected failure into an outcome; a bug must not stop the looking.
            PipelineLog.UnexpectedFailure(logger, record.InstanceId, record.MinionId, e);
        }
        finally
        {
            resuming.TryRemove(record.MinionId, out _);
        }
    }

    private async Task AbortAfterDrainAsync(CancellationTokenSource abort)
    {
        try
        {
            await Task.Delay(pipeline.Value.DrainTimeout, timeProvider, CancellationToken.None);
            await abort.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Everything resumed has finished and the service is gone.
        }
    }
}
