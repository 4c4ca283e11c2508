using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SaltApiBridge.Salt;
using SaltApiBridge.Salt.Api;
using SaltApiBridge.Salt.Events;
using SaltApiBridge.Tests.Fixtures;
using WireMock.ResponseBuilders;

namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>
/// The real event stream and a master that listens to it: salt-api's calls (login, hooks, lowstates, jobs) answered by
/// <see cref="SaltApiHarness"/> from the transcripts, <c>GET /events</c> by an <see cref="SseServer"/> the test drives.
/// Everything runs on the harness's fake clock; the probe hook is echoed onto the stream as salt-api would.
/// </summary>
internal sealed class StreamRig : IAsyncDisposable
{
    private StreamRig(SaltApiHarness salt)
    {
        Salt = salt;
        var loggers = salt.Services.GetRequiredService<ILoggerFactory>();
        Metrics = new EventStreamMetrics(Recorded.Factory);
        Waiters = new SaltEventWaiters(Metrics, timeProvider: salt.Time);
        Master = new SaltApiMaster(salt.Session, salt.Services.GetRequiredService<ISaltApi>(), salt.Options, salt.Time, loggers.CreateLogger<SaltApiMaster>(), Waiters);
        Stream = new SaltEventStream(
            salt.Session, Waiters, Master, new SingleClientFactory(Sse), salt.Options, salt.Time, Metrics, loggers.CreateLogger<SaltEventStream>());
        var hookReply = SaltApiTranscript.Load("26");
        salt.OnHook(SaltEventWaiters.ProbeHookTag).RespondWith(Response.Create()
            .WithStatusCode(hookReply.Status)
            .WithHeader("Content-Type", hookReply.ResponseHeader("Content-Type")!)
            .WithBody(request =>
            {
                // salt-api puts the hook on the bus before it answers.
                Sse.EchoHook(SaltEventWaiters.ProbeHookTag, request.Body ?? "{}");
                return hookReply.ResponseBodyRaw;
            }));
    }

    public SaltApiHarness Salt { get; }

    public SseServer Sse { get; } = new();

    public MetricRecorder Recorded { get; } = new();

    public EventStreamMetrics Metrics { get; }

    public SaltEventWaiters Waiters { get; }

    public SaltApiMaster Master { get; }

    public SaltEventStream Stream { get; }

    public IReadOnlyList<string> Logs => Salt.Logs.Lines;

    /// <summary>Starts the stream and waits until its first probe came back.</summary>
    public static async Task<StreamRig> StartAsync(
        IDictionary<string, string?>? settings = null, bool waitUntilLive = true, Action<SseServer>? beforeStart = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["SaltApi:EventStream:ReconnectDelay"] = "00:00:00.100",
            ["SaltApi:EventStream:ReconnectMaxDelay"] = "00:00:00.200",
            // Fake time runs ahead of the real echo of a probe; tests of a lost probe set the real deadline.
            ["SaltApi:EventStream:ProbeTimeout"] = "00:10:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var rig = new StreamRig(SaltApiHarness.Start(all).WithLogin());
        beforeStart?.Invoke(rig.Sse);
        await rig.Stream.StartAsync(TestContext.Current.CancellationToken);
        if (waitUntilLive)
        {
            await rig.UntilAsync(() => rig.Waiters.IsLive, "the stream is proven");
        }

        return rig;
    }

    /// <summary>Waits (real time, bounded) for <paramref name="condition"/>, moving fake time by <paramref name="step"/> while no salt-api call is in flight.</summary>
    public async Task UntilAsync(Func<bool> condition, string what, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within 20 s: {what} (fake time {Salt.Time.GetUtcNow():O}); logs:\n{string.Join('\n', Logs.TakeLast(15))}");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
            if (step is { } advance && !Salt.Attempts.InFlight)
            {
                Salt.Time.Advance(advance);
            }
        }
    }

    public async Task<T> UntilDoneAsync<T>(Task<T> task, string what, TimeSpan? step = null)
    {
        await UntilAsync(() => task.IsCompleted, what, step);
        return await task;
    }

    /// <summary>
    /// Publishes the highstate under <paramref name="jid"/> as StateJobRunner does — the watch (of
    /// <paramref name="watched"/>, by default the same jid) taken before the publish — and starts the wait for the jid
    /// salt-api answers with; the watch is released once the wait ends.
    /// </summary>
    public async Task<Task<StateRunResult>> PublishHighstateAsync(string jid, CancellationToken cancellationToken, string? watched = null)
    {
        var watch = Master.WatchJob(SaltApiHarness.MinionId, watched ?? jid);
        string? published;
        try
        {
            published = await Master.StartHighstateAsync(SaltApiHarness.MinionId, jid, cancellationToken);
        }
        catch
        {
            watch.Dispose();
            throw;
        }

        return WaitAsync();

        async Task<StateRunResult> WaitAsync()
        {
            using (watch)
                return await Master.WaitForJobAsync(SaltApiHarness.MinionId, published!, resumed: false, watch, cancellationToken);
        }
    }

    public int JobPolls(string jid) => Salt.Requests("/jobs/" + jid, "GET").Count;

    public int Pings => Salt.Lowstates("test.ping").Count;

    public int ProbesFired => Salt.Requests("/hook/" + SaltEventWaiters.ProbeHookTag).Count;

    public async ValueTask DisposeAsync()
    {
        await Stream.StopAsync(CancellationToken.None);
        Stream.Dispose();
        Waiters.Dispose();
        await Salt.DisposeAsync();
        Recorded.Dispose();
    }
}
