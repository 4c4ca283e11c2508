using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SaltApiBridge.Salt;
using SaltApiBridge.Salt.Api;
using SaltApiBridge.Tests.Fixtures;
using WireMock.ResponseBuilders;

namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>SaltApiMaster's three waits with the event stream up, dropping, and carrying what a hostile bus carries.</summary>
public sealed class SaltApiMasterEventStreamTests
{
    private const string Id = SaltApiHarness.MinionId;

    /// <summary>The jid of transcripts 13/14/16 (published, running, done).</summary>
    private const string HighstateJid = "20261125113337614027";

    /// <summary>The caller-chosen jid of transcript 47, whose return transcript 50 captured.</summary>
    private const string ChosenJid = "20261129144256000001";

    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EventStreamTranscript Transcript => EventStreamTranscript.Instance;

    [Fact]
    public async Task WaitForJob_ReturnBeforeThePublishReply_WatchTakenFirstGetsItWithoutGetJobs()
    {
        await using var rig = await StreamRig.StartAsync();
        var published = SaltApiTranscript.Load("47");
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(Response.Create()
            .WithStatusCode(published.Status)
            .WithHeader("Content-Type", published.ResponseHeader("Content-Type")!)
            .WithBody(_ =>
            {
                // A fast job: the minion's return is on the bus before salt-api answers the publish.
                var ret = Transcript.First($"salt/job/{ChosenJid}/ret/{Id}");
                rig.Sse.Emit(ret.Tag, ret.Payload);
                return published.ResponseBodyRaw;
            }));

        using var watch = rig.Master.WatchJob(Id, ChosenJid);
        var jid = await rig.Master.StartHighstateAsync(Id, ChosenJid, Ct);
        await Task.Delay(100, Ct);
        var result = await rig.UntilDoneAsync(rig.Master.WaitForJobAsync(Id, jid!, resumed: false, watch, Ct), "the verdict from the event");

        jid.Should().Be(ChosenJid);
        result.Status.Should().Be(StateRunStatus.Succeeded);
        result.Message.Should().Be("2 states succeeded");
        rig.JobPolls(ChosenJid).Should().Be(0);
    }

    [Fact]
    public async Task WaitForJob_WatchHandedOver_NoRegistrationOfItsOwn()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        var watch = rig.Master.WatchJob(Id, HighstateJid);
        var jid = await rig.Master.StartHighstateAsync(Id, HighstateJid, Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waiting = rig.Master.WaitForJobAsync(Id, jid!, resumed: false, watch, stop.Token);
        await Task.Delay(50, Ct);

        // The wait holds nothing of its own: once the watch lets go, nobody listens for the return any more.
        watch.Dispose();

        rig.Waiters.Wants(System.Text.Encoding.UTF8.GetBytes($"salt/job/{HighstateJid}/ret/{Id}")).Should().BeFalse();
        waiting.IsCompleted.Should().BeFalse();
        rig.JobPolls(HighstateJid).Should().Be(0);
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task WaitForJob_WatchOfAnotherJid_ListensForItsOwnJobAndCatchesUpOnce()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        rig.Salt.OnJob(HighstateJid).RespondWith(SaltApiHarness.Reply("14"));
        // A master that ignored the chosen jid: the watch is of the jid asked for, the wait of the one published.
        var waiting = await rig.PublishHighstateAsync(HighstateJid, Ct, watched: ChosenJid);
        await rig.UntilAsync(() => rig.JobPolls(HighstateJid) == 1, "the catch-up look");

        rig.Sse.Emit($"salt/job/{HighstateJid}/ret/{Id}", HighstateReturn(HighstateJid));
        var result = await rig.UntilDoneAsync(waiting, "the verdict from the event");

        result.Status.Should().Be(StateRunStatus.Succeeded);
        rig.JobPolls(HighstateJid).Should().Be(1);
    }

    [Fact]
    public async Task WaitForJob_NotWatchedBeforeThePublish_OneCatchUpGetJobsThenTheEvent()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        rig.Salt.OnJob(HighstateJid).RespondWith(SaltApiHarness.Reply("14"));

        var jid = await rig.Master.StartHighstateAsync(Id, HighstateJid, Ct);
        var waiting = rig.Master.WaitForJobAsync(Id, jid!, resumed: false, null, Ct);
        await rig.UntilAsync(() => rig.JobPolls(HighstateJid) == 1, "the catch-up look");
        // Nine minutes of fake time pass without a poll (the safety look is at 10): the stream is proven, the return will come as an event.
        for (var i = 0; i < 54; i++)
        {
            rig.Salt.Time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(2, Ct);
        }

        rig.Sse.Emit($"salt/job/{HighstateJid}/ret/{Id}", HighstateReturn(HighstateJid));
        var result = await rig.UntilDoneAsync(waiting, "the verdict from the event");

        result.Status.Should().Be(StateRunStatus.Succeeded);
        rig.JobPolls(HighstateJid).Should().Be(1);
        rig.ProbesFired.Should().BeGreaterThan(1, "a quiet bus is probed");
    }

    /// <summary>
    /// The job returns (the job cache has it) but its event never reaches a stream that stays proven: one look finds the
    /// verdict — the safety look after SaltApi:EventStream:SafetyPollInterval (10 min), or, when the job timeout comes
    /// first, one last look at it — never "did not return" for a finished highstate, and no look before.
    /// </summary>
    [Theory]
    [InlineData(null, 70)]
    [InlineData("00:03:00", 30)]
    public async Task WaitForJob_ReturnEventLostOnAProvenStream_OneLookFindsTheVerdict(string? jobTimeout, int tensOfSeconds)
    {
        await using var rig = await StreamRig.StartAsync(jobTimeout is null ? null : new Dictionary<string, string?> { ["SaltApi:JobTimeout"] = jobTimeout });
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        rig.Salt.OnJob(HighstateJid).RespondWith(SaltApiHarness.Reply("16"));

        using var watch = rig.Master.WatchJob(Id, HighstateJid);
        (await rig.Master.StartHighstateAsync(Id, HighstateJid, Ct)).Should().Be(HighstateJid);
        var waiting = rig.Master.WaitForJobAsync(Id, HighstateJid, resumed: false, watch, Ct);
        for (var i = 0; i < tensOfSeconds && !waiting.IsCompleted; i++)
        {
            rig.Salt.Time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(2, Ct);
        }

        var result = await rig.UntilDoneAsync(waiting, "the verdict from one look");
        result.Status.Should().Be(StateRunStatus.Succeeded);
        rig.JobPolls(HighstateJid).Should().Be(1);
    }

    [Fact]
    public async Task WaitForJob_ProvenStreamForMinutes_NoTimerOfItsOwn()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        var time = new TimerCountingTime(rig.Salt.Time);
        var master = new SaltApiMaster(
            rig.Salt.Session, rig.Salt.Services.GetRequiredService<ISaltApi>(), rig.Salt.Options, time, NullLogger<SaltApiMaster>.Instance, rig.Waiters);
        using var watch = master.WatchJob(Id, HighstateJid);
        (await master.StartHighstateAsync(Id, HighstateJid, Ct)).Should().Be(HighstateJid);
        var waiting = master.WaitForJobAsync(Id, HighstateJid, resumed: false, watch, Ct);

        // Five minutes (the safety look is at 10, the deadline at 30): the shared wake paces the wait, not a timer per job.
        for (var i = 0; i < 30; i++)
        {
            rig.Salt.Time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(2, Ct);
        }

        rig.Sse.Emit($"salt/job/{HighstateJid}/ret/{Id}", HighstateReturn(HighstateJid));
        (await rig.UntilDoneAsync(waiting, "the verdict from the event")).Status.Should().Be(StateRunStatus.Succeeded);
        time.TimersCreated.Should().Be(0);
        rig.JobPolls(HighstateJid).Should().Be(0);
    }

    [Fact]
    public async Task WaitForJob_DeadlineBetweenTwoBeatsOfTheWake_LastLookAtTheDeadlineNotAfter()
    {
        await using var rig = await StreamRig.StartAsync(new Dictionary<string, string?> { ["SaltApi:JobTimeout"] = "00:00:20" });
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        rig.Salt.OnJob(HighstateJid).RespondWith(SaltApiHarness.Reply("14"));
        using var watch = rig.Master.WatchJob(Id, HighstateJid);
        (await rig.Master.StartHighstateAsync(Id, HighstateJid, Ct)).Should().Be(HighstateJid);
        var waiting = rig.Master.WaitForJobAsync(Id, HighstateJid, resumed: false, watch, Ct);

        // The wake beats every 15 s: the deadline at 20 s is timed for itself, not looked at on the beat at 30 s.
        for (var i = 0; i < 20; i++)
        {
            rig.Salt.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, Ct);
        }

        var result = await rig.UntilDoneAsync(waiting, "the deadline look, with fake time stopped at the deadline");
        result.Status.Should().Be(StateRunStatus.MinionDidNotReturn);
        rig.JobPolls(HighstateJid).Should().Be(1);
        rig.Recorded.Sum("salt_event_fallback_polls{kind=job,reason=deadline}").Should().Be(1);
    }

    [Fact]
    public async Task WaitForJob_StreamDropsMidJob_OneGetJobsOnReconnect()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        rig.Salt.OnJob(HighstateJid).RespondWith(SaltApiHarness.Reply("16"));
        var waiting = await rig.PublishHighstateAsync(HighstateJid, Ct);
        await Task.Delay(50, Ct);
        rig.JobPolls(HighstateJid).Should().Be(0);

        // salt-api restarts while the job runs; the minion's return goes out while nobody listens.
        rig.Sse.Drop();
        var result = await rig.UntilDoneAsync(waiting, "the verdict after the reconnect", Step);

        result.Status.Should().Be(StateRunStatus.Succeeded);
        result.Message.Should().Be("2 states succeeded");
        rig.Sse.Connections.Should().Be(2);
        rig.JobPolls(HighstateJid).Should().Be(1, "one GET /jobs once the stream is proven again, none while it reconnected");
        rig.Logs.Should().ContainSingle(l => l.Contains("Event stream lost on master local (closed)", StringComparison.Ordinal));
        rig.Recorded.Sum("salt_event_stream_reconnects{reason=closed}").Should().Be(1);
        rig.Recorded.Sum("salt_event_fallback_polls{kind=job,reason=reconnect}").Should().Be(1);
        rig.Metrics.Connected.Should().Be(1);
    }

    [Fact]
    public async Task WaitForJob_StreamStaysDown_PollsOnTheScheduleAsWithoutIt()
    {
        await using var rig = await StreamRig.StartAsync(
            new Dictionary<string, string?> { ["SaltApi:JobTimeout"] = "00:02:00" }, waitUntilLive: false, beforeStart: sse => sse.EchoProbes = () => false);
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        rig.Salt.OnJob(HighstateJid).RespondWith(SaltApiHarness.Reply("14"));

        var jid = await rig.Master.StartHighstateAsync(Id, HighstateJid, Ct);
        var result = await rig.UntilDoneAsync(rig.Master.WaitForJobAsync(Id, jid!, resumed: false, null, Ct), "the deadline", TimeSpan.FromSeconds(1));

        result.Status.Should().Be(StateRunStatus.MinionDidNotReturn);
        rig.Waiters.IsLive.Should().BeFalse();
        // The same waits of 2, 4, 8, 15, 15, … s as SaltApiMasterStateTests' poll without a stream.
        rig.JobPolls(HighstateJid).Should().BeInRange(8, 12);
    }

    [Fact]
    public async Task WaitForJob_OversizedReturn_OneGetJobsReadsIt()
    {
        await using var rig = await StreamRig.StartAsync(new Dictionary<string, string?> { ["SaltApi:EventStream:MaxEventBytes"] = "65536" });
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        rig.Salt.OnJob(HighstateJid).RespondWith(SaltApiHarness.Reply("16"));
        var waiting = await rig.PublishHighstateAsync(HighstateJid, Ct);

        var huge = HighstateReturn(HighstateJid);
        huge["return"]!.AsObject().First().Value!["comment"] = new string('z', 300_000);
        rig.Sse.Emit($"salt/job/{HighstateJid}/ret/{Id}", huge);
        var result = await rig.UntilDoneAsync(waiting, "the verdict from GET /jobs");

        result.Status.Should().Be(StateRunStatus.Succeeded);
        rig.JobPolls(HighstateJid).Should().Be(1);
        rig.Logs.Should().Contain(l => l.Contains("larger than SaltApi:EventStream:MaxEventBytes", StringComparison.Ordinal));
        rig.Logs.Should().NotContain(l => l.Contains("zzzz", StringComparison.Ordinal), "payloads are never logged");
    }

    [Fact]
    public async Task WaitForJob_FloodOfForeignEvents_OnlyOursMatchedAndNoGetJobs()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(SaltApiHarness.Reply("13"));
        var waiting = await rig.PublishHighstateAsync(HighstateJid, Ct);

        // Other users' jobs on the same and other minions, a 4 MiB return among them, then ours.
        rig.Sse.Emit("salt/job/20261125113337614028/ret/other-minion", new JsonObject { ["return"] = new string('y', 4 * 1024 * 1024) });
        for (var i = 0; i < 3000; i++)
        {
            var foreign = Transcript.Events[i % Transcript.Events.Count];
            rig.Sse.Emit(foreign.Tag, foreign.Payload);
        }

        rig.Sse.Emit($"salt/job/{HighstateJid}/ret/{Id}", HighstateReturn(HighstateJid));
        var result = await rig.UntilDoneAsync(waiting, "our verdict through the flood");

        result.Status.Should().Be(StateRunStatus.Succeeded);
        rig.JobPolls(HighstateJid).Should().Be(0);
        rig.Recorded.Sum("salt_events_matched{kind=job_return}").Should().Be(1, "3000 foreign events and a 4 MiB return matched nothing");
    }

    [Fact]
    public async Task WaitForKey_PendEventArrives_EndsTheWaitAtOnce()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("wheel", "key.name_match").InScenario("key").WillSetStateTo("pending")
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", "{}"));
        rig.Salt.OnLowstate("wheel", "key.name_match").InScenario("key").WhenStateIs("pending")
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", $$"""{"minions_pre": ["{{Id}}"]}"""));
        var started = rig.Salt.Time.GetUtcNow();

        var waiting = rig.Master.WaitForKeyAsync(Id, Ct);
        await rig.UntilAsync(() => rig.Salt.Lowstates("key.name_match").Count == 1, "the first lookup");
        var pend = Transcript.First("salt/auth", "act", "pend");
        rig.Sse.Emit(pend.Tag, pend.Payload);
        var state = await rig.UntilDoneAsync(waiting, "the key");

        state.Should().Be(MinionKeyState.Pending);
        (rig.Salt.Time.GetUtcNow() - started).Should().Be(TimeSpan.Zero, "no poll interval passed");
        rig.Salt.Lowstates("key.name_match").Should().HaveCount(1, "the pend event itself says the key is pending");
    }

    [Fact]
    public async Task WaitUntilReachable_AfterOurAccept_StartEventEndsItWithoutPing()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("wheel", "key.accept_dict").RespondWith(SaltApiHarness.Reply("41"));
        rig.Salt.OnLowstate("local", "test.ping").RespondWith(SaltApiHarness.Reply("09"));

        (await rig.Master.AcceptKeyAsync(Id, MinionKeyState.Pending, Ct)).Should().Be(KeyAcceptOutcome.Accepted);
        var reaching = rig.Master.WaitUntilReachableAsync(Id, Ct);
        await Task.Delay(50, Ct);
        // Transcript 50: salt/minion/<id>/start 6.3 s after the accept.
        rig.Salt.Time.Advance(TimeSpan.FromSeconds(6.3));
        var start = Transcript.First($"salt/minion/{Id}/start");
        rig.Sse.Emit(start.Tag, start.Payload);

        (await rig.UntilDoneAsync(reaching, "reachable")).Should().BeTrue();
        rig.Pings.Should().Be(0);
    }

    [Fact]
    public async Task WaitUntilReachable_StreamDropsBeforeTheStartEvent_PingsTakeOver()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("wheel", "key.accept_dict").RespondWith(SaltApiHarness.Reply("41"));
        rig.Salt.OnLowstate("local", "test.ping").RespondWith(SaltApiHarness.Reply("10"));
        (await rig.Master.AcceptKeyAsync(Id, MinionKeyState.Pending, Ct)).Should().Be(KeyAcceptOutcome.Accepted);
        var reaching = rig.Master.WaitUntilReachableAsync(Id, Ct);
        await Task.Delay(50, Ct);
        rig.Pings.Should().Be(0);

        // The start event would go out while nobody listens: the wait must not hang on it.
        rig.Sse.Drop();

        (await rig.UntilDoneAsync(reaching, "reachable by ping")).Should().BeTrue();
        rig.Pings.Should().Be(1);
    }

    [Fact]
    public async Task WaitForKey_StreamProvenAgain_OneLookupAtOnce()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("wheel", "key.name_match").InScenario("key").WillSetStateTo("pending")
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", "{}"));
        rig.Salt.OnLowstate("wheel", "key.name_match").InScenario("key").WhenStateIs("pending")
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", $$"""{"minions_pre": ["{{Id}}"]}"""));
        var waiting = rig.Master.WaitForKeyAsync(Id, Ct);
        await rig.UntilAsync(() => rig.Salt.Lowstates("key.name_match").Count == 1, "the first lookup");
        var started = rig.Salt.Time.GetUtcNow();

        // The connection drops (maybe during the lookup) and the key's pend event is lost with it: the lookup once the
        // stream is down, or proven again, finds the key without waiting for the poll schedule.
        rig.Sse.Drop();

        (await rig.UntilDoneAsync(waiting, "the key", Step)).Should().Be(MinionKeyState.Pending);
        (rig.Salt.Time.GetUtcNow() - started).Should().BeLessThan(TimeSpan.FromSeconds(2), "no poll interval had to pass");
    }

    [Fact]
    public async Task WaitUntilReachable_KeyAcceptedEarlier_OneShortPing()
    {
        await using var rig = await StreamRig.StartAsync();
        rig.Salt.OnLowstate("local", "test.ping").RespondWith(SaltApiHarness.Reply("10"));

        (await rig.Master.WaitUntilReachableAsync(Id, Ct)).Should().BeTrue();

        rig.Pings.Should().Be(1);
    }

    [Fact]
    public async Task Launch_StreamUpVersusDown_SaltApiCallsCounted()
    {
        // The same launch twice: the minion's key arrives 5 s in, it reconnects 6.3 s after the accept, and its
        // highstate returns 20 s after the publish (transcript 50's order of events, longer job).
        var up = await LaunchAsync(streamUp: true);
        var down = await LaunchAsync(streamUp: false);

        TestContext.Current.TestOutputHelper?.WriteLine($"stream up:   {up}");
        TestContext.Current.TestOutputHelper?.WriteLine($"stream down: {down}");
        up.Should().Be(new LaunchCalls(KeyLookups: 1, Pings: 0, JobPolls: 0), "one lookup at 0 s, then the pend event at 5 s says the key is pending: no key polls while the stream is proven");
        down.KeyLookups.Should().BeGreaterThan(2, "without the stream, keys are polled on the schedule");
        down.Pings.Should().BeGreaterThan(3);
        down.JobPolls.Should().BeGreaterThan(3);
    }

    private static async Task<LaunchCalls> LaunchAsync(bool streamUp)
    {
        await using var rig = await StreamRig.StartAsync(
            waitUntilLive: streamUp, beforeStart: streamUp ? null : sse => sse.EchoProbes = () => false);
        var t0 = rig.Salt.Time.GetUtcNow();
        TimeSpan Now() => rig.Salt.Time.GetUtcNow() - t0;
        TimeSpan? acceptedAt = null;
        TimeSpan? publishedAt = null;
        var keyAt = TimeSpan.FromSeconds(5);
        rig.Salt.OnLowstate("wheel", "key.name_match").RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(_ => WheelBody("key.name_match", Now() >= keyAt ? $$"""{"minions_pre": ["{{Id}}"]}""" : "{}")));
        rig.Salt.OnLowstate("wheel", "key.accept_dict").RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(_ =>
            {
                acceptedAt = Now();
                return SaltApiTranscript.Load("41").ResponseBodyRaw;
            }));
        rig.Salt.OnLowstate("local", "test.ping").RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(_ => Now() - acceptedAt >= TimeSpan.FromSeconds(6.3)
                ? SaltApiTranscript.Load("10").ResponseBodyRaw
                : SaltApiTranscript.Load("09").ResponseBodyRaw));
        rig.Salt.OnLowstate("local_async", "state.highstate").RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(_ =>
            {
                publishedAt = Now();
                return SaltApiTranscript.Load("13").ResponseBodyRaw;
            }));
        rig.Salt.OnJob(HighstateJid).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody(_ => SaltApiTranscript.Load(Now() - publishedAt >= TimeSpan.FromSeconds(20) ? "16" : "14").ResponseBodyRaw));

        // The master's bus, on the same clock: what the stream would carry at each moment.
        var sent = new HashSet<string>();
        void Bus()
        {
            if (Now() >= keyAt && sent.Add("pend"))
            {
                var pend = Transcript.First("salt/auth", "act", "pend");
                rig.Sse.Emit(pend.Tag, pend.Payload);
            }

            if (Now() - acceptedAt >= TimeSpan.FromSeconds(6.3) && sent.Add("start"))
            {
                var start = Transcript.First($"salt/minion/{Id}/start");
                rig.Sse.Emit(start.Tag, start.Payload);
            }

            if (Now() - publishedAt >= TimeSpan.FromSeconds(20) && sent.Add("ret"))
            {
                rig.Sse.Emit($"salt/job/{HighstateJid}/ret/{Id}", HighstateReturn(HighstateJid));
            }
        }

        async Task<T> Run<T>(Task<T> task)
        {
            await rig.UntilAsync(
                () =>
                {
                    // With the stream down the bus's events reach no one.
                    if (streamUp)
                    {
                        Bus();
                    }

                    return task.IsCompleted;
                },
                "the launch step",
                TimeSpan.FromMilliseconds(250));
            return await task;
        }

        (await Run(rig.Master.WaitForKeyAsync(Id, Ct))).Should().Be(MinionKeyState.Pending);
        (await rig.Master.AcceptKeyAsync(Id, MinionKeyState.Pending, Ct)).Should().Be(KeyAcceptOutcome.Accepted);
        (await Run(rig.Master.WaitUntilReachableAsync(Id, Ct))).Should().BeTrue();
        // The daemon will choose the jid before publishing; transcript 13's is the one it gets here.
        (await Run(await rig.PublishHighstateAsync(HighstateJid, Ct))).Status.Should().Be(StateRunStatus.Succeeded);
        return new LaunchCalls(rig.Salt.Lowstates("key.name_match").Count, rig.Pings, rig.JobPolls(HighstateJid));
    }

    private static string WheelBody(string fun, string returnJson)
    {
        var body = JsonNode.Parse(SaltApiTranscript.Load("44").ResponseBodyRaw)!;
        var data = body["return"]![0]!["data"]!;
        data["fun"] = "wheel." + fun;
        data["return"] = JsonNode.Parse(returnJson);
        return body.ToJsonString();
    }

    /// <summary>Transcript 50's highstate return, re-addressed to <paramref name="jid"/>.</summary>
    private static JsonObject HighstateReturn(string jid)
    {
        var payload = Transcript.First($"salt/job/{ChosenJid}/ret/{Id}").Payload.DeepClone().AsObject();
        payload["jid"] = jid;
        return payload;
    }

    private sealed record LaunchCalls(int KeyLookups, int Pings, int JobPolls);
}
