using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;
using SaltApiBridge.Telemetry;

namespace SaltApiBridge.Provisioning;

/// <summary>Runs a state job of a lifecycle action at most once on the minion (see <see cref="RunOnceAsync"/>).</summary>
internal sealed class StateJobRunner(
    SaltMasterSet masters,
    JobMasters jobMasters,
    StepAttempts attempts,
    BridgeMetrics metrics,
    IOptions<PipelineOptions> options,
    IOptions<SaltApiOptions> saltOptions,
    TimeProvider timeProvider,
    ILogger<StateJobRunner> logger)
{
    /// <summary>The longest pause between two tries on a minion another state run keeps busy.</summary>
    private static readonly TimeSpan MaxBusyPause = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Runs one state job for this lifecycle action, at most once on the minion. Its jid is chosen here and recorded
    /// before the first publish; every retry (a lost or failed reply, a timeout, a restart that finds the record)
    /// republishes that same jid, which the minion runs once (it drops a jid among its last 100), and then waits for it.
    /// A verdict is never retried: a second run would be a second run. When the minion refuses because another state
    /// run is in progress there, nothing ran: that run is waited out (bounded by <see cref="SaltApiOptions.JobTimeout"/>,
    /// heartbeats going on), then ours goes out under a new jid, since the refused one is spent. Null when the minion did
    /// not answer the ping before a first publish. A job on record whose master stays down (several masters) is decided
    /// after <see cref="SaltApiOptions.MasterDownTimeout"/> by running it once more through a live master (see
    /// <see cref="WaitForRecordedJobAsync"/>): never a completion without a verdict.
    /// </summary>
    public Task<StateRunResult?> RunOnceAsync(StateJob job, InstanceWork work, CancellationToken cancellationToken) =>
        ActionTrace.Source.HasListeners() ? TracedAsync(job, work, cancellationToken) : RunAsync(job, work, cancellationToken);

    /// <summary>
    /// The run inside its span. Apart, so that untraced runs (the usual case) build neither its closure, its delegates
    /// nor its async frame: they would live as long as the highstate.
    /// </summary>
    private Task<StateRunResult?> TracedAsync(StateJob job, InstanceWork work, CancellationToken cancellationToken) =>
        ActionTrace.StateRunAsync(job.Step, () => work.JobMaster.Name, () => RunAsync(job, work, cancellationToken));

    private async Task<StateRunResult?> RunAsync(StateJob job, InstanceWork work, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        StateRunResult? run = null;
        var republish = job.RecordedJid;
        if (job.RecordedJid is { } earlier)
        {
            // Recorded before a restart: the master may have the job (running or done), or the publish never happened.
            work.Step($"{job.Step} running (resumed)", earlier);
            run = await WaitForRecordedJobAsync(job, work, earlier, cancellationToken);
            if (run is null)
            {
                // Its master stayed down: the job goes out again, under a new jid, through the live master now chosen.
                republish = null;
            }
            else if (run.Status == StateRunStatus.JobUnknown)
            {
                ProvisioningLog.ResumedJobRepublished(logger, work.InstanceId, work.MinionId, job.Step, earlier);
                run = null;
            }
        }

        if (run is null)
        {
            work.Step("waiting for the minion to answer");
            if (job.PingFirst && !await WaitForMinionAsync(work, cancellationToken))
                return null;
            var jid = republish ?? await NewJidAsync(job);
            run = await PublishAndWaitAsync(job, work, jid, cancellationToken);
        }

        run = await WaitOutOtherRunsAsync(job, work, run, cancellationToken);
        metrics.SaltJob(job.Step, run.Status.ToString(), timeProvider.GetElapsedTime(started));
        ProvisioningLog.StatesRan(logger, work.InstanceId, work.MinionId, job.Step, run.Jid, run.Status);
        return run;
    }

    /// <summary>Apart, so that its closure is built only when it is called and not kept by the highstate's whole run.</summary>
    private static Task<bool> WaitForMinionAsync(InstanceWork work, CancellationToken cancellationToken) =>
        ActionTrace.WaitForMinionAsync(work.JobMaster.Name, () => work.Jobs.WaitUntilReachableAsync(work.MinionId, cancellationToken));

    /// <summary>What a failed run says, for logs, events and the message's summary.</summary>
    public static string Describe(string step, StateRunResult run) => run.Status switch
    {
        StateRunStatus.MinionDidNotReturn => $"{step}{JidText(run.Jid)}: the minion did not return before the deadline",
        StateRunStatus.NoMatchingMinion => $"{step}: salt-api matched no accepted key for the minion",
        StateRunStatus.JobUnknown => $"{step}{JidText(run.Jid)}: the master does not know the job",
        StateRunStatus.AnotherRunInProgress => $"{step}{JidText(run.Jid)}: not started, another state run (jid {run.RunningJid}) was still in progress on the minion",
        _ => $"{step}{JidText(run.Jid)} failed: " + (run.FailedStates.Count > 0
            ? string.Join("; ", run.FailedStates.Take(3).Select(s => s.Comment is null ? s.Id : $"{s.Id}: {s.Comment}"))
            : run.Message ?? "no detail"),
    };

    /// <summary>The progress text of a job that runs: a constant for the bridge's own steps, not a string per launch.</summary>
    public static string RunningText(string step) => step switch
    {
        "highstate" => "highstate running",
        "clean" => "clean running",
        _ => step + " running",
    };

    public static string JidText(string? jid) => jid is null ? "" : $" (jid {jid})";

    /// <summary>
    /// Waits for a job on record through its master. With several masters, a master that keeps failing for
    /// <see cref="SaltApiOptions.MasterDownTimeout"/> (its host died, maybe with the replica that published there) cannot
    /// give the job's verdict: the action moves to another master where the key is accepted, and null says to run the job
    /// there again. The minion may have run it through the dead master too: a second run may follow, and the log says so.
    /// </summary>
    private async Task<StateRunResult?> WaitForRecordedJobAsync(StateJob job, InstanceWork work, string jid, CancellationToken cancellationToken)
    {
        var settings = saltOptions.Value;
        long? downSince = null;
        while (true)
        {
            try
            {
                using (var watch = work.Jobs.WatchJob(work.MinionId, jid))
                    return await attempts.RunAsync(() => work.Jobs.WaitForJobAsync(work.MinionId, jid, resumed: true, watch, cancellationToken), cancellationToken);
            }
            catch (SaltApiException e) when (e.IsTransient && !masters.IsSingle)
            {
                downSince ??= timeProvider.GetTimestamp();
                if (timeProvider.GetElapsedTime(downSince.Value) >= settings.MasterDownTimeout
                    && await jobMasters.WhereAcceptedAsync(work, null, work.JobMaster, cancellationToken) is { } live)
                {
                    ProvisioningLog.JobMasterDown(logger, work.InstanceId, work.MinionId, job.Step, jid, work.JobMaster.Name, settings.MasterDownTimeout, live.Name);
                    work.JobMaster = live;
                    return null;
                }

                await Task.Delay(settings.MasterRetryInterval, timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>
    /// While the minion refuses ours because another run holds it: that run is waited for, then ours goes out again under
    /// a new jid, with a pause before each try (doubling), until <see cref="SaltApiOptions.JobTimeout"/> has passed.
    /// </summary>
    private async Task<StateRunResult> WaitOutOtherRunsAsync(StateJob job, InstanceWork work, StateRunResult run, CancellationToken cancellationToken)
    {
        var busySince = timeProvider.GetTimestamp();
        var bound = saltOptions.Value.JobTimeout;
        var pauses = BackoffPolicy.Exponential(options.Value.StepRetryDelay, MaxBusyPause);
        for (var tries = 1; run.Status == StateRunStatus.AnotherRunInProgress; tries++)
        {
            ProvisioningLog.AnotherRunInProgress(logger, work.InstanceId, work.MinionId, job.Step, run.RunningJid);
            if (run.RunningJid is { } other && SaltJid.IsValid(other))
            {
                using (var watch = work.Jobs.WatchJob(work.MinionId, other))
                    await attempts.RunAsync(() => work.Jobs.WaitForJobAsync(work.MinionId, other, resumed: true, watch, cancellationToken), cancellationToken);
            }

            // Always a pause before trying again: a run the master's job cache does not know (salt-call on the minion,
            // its schedule) cannot be waited for, and a minion may hold a finished run's process for a moment.
            await Task.Delay(pauses.Delay(tries), timeProvider, cancellationToken);
            if (timeProvider.GetElapsedTime(busySince) >= bound)
            {
                ProvisioningLog.StillBusy(logger, work.InstanceId, work.MinionId, job.Step, bound);
                break;
            }

            run = await PublishAndWaitAsync(job, work, await NewJidAsync(job), cancellationToken);
        }

        return run;
    }

    private async Task<string> NewJidAsync(StateJob job)
    {
        var jid = SaltJid.New(timeProvider);
        await job.Record(jid);
        return jid;
    }

    /// <summary>
    /// Publishes under <paramref name="jid"/> and waits; a transient failure anywhere republishes the same jid. The
    /// job's return is watched for on the event stream before the first publish: it can beat the publish's reply.
    /// </summary>
    private async Task<StateRunResult> PublishAndWaitAsync(StateJob job, InstanceWork work, string jid, CancellationToken cancellationToken)
    {
        using var watch = work.Jobs.WatchJob(work.MinionId, jid);
        work.Step(RunningText(job.Step), jid);
        // StepAttempts' rules, looped here: its wrapper (a closure, a delegate, a second async frame) would otherwise be
        // kept for the whole wait of every launch.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var published = await job.Publish(jid);
                if (published is null)
                    return new StateRunResult(StateRunStatus.NoMatchingMinion, jid, [], $"no accepted key matched minion {work.MinionId}; nothing was published");
                if (published != jid)
                {
                    // A master that ignored our jid: the job it runs is recorded and waited for, so a redelivery finds it.
                    await job.Record(published);
                    jid = published;
                }

                return await work.Jobs.WaitForJobAsync(work.MinionId, jid, resumed: false, watch, cancellationToken);
            }
            catch (SaltApiException e) when (attempts.TriesAgain(attempt, e))
            {
                attempts.Retrying(attempt, e);
            }

            await attempts.PauseAsync(attempt, cancellationToken);
        }
    }
}
