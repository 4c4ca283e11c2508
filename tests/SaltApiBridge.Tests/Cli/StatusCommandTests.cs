using System.Globalization;
using System.Net;
using System.Text;
using SaltApiBridge.Cli;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Cli;

/// <summary><c>saltapibridge status</c> from the daemon's JSON: the table, the JSON, the watch, the exit codes.</summary>
public sealed class StatusCommandTests
{
    private static readonly Uri StatusUrl = new("http://127.0.0.1:9464/status");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A status as the daemon writes it, with the longest values a fleet has: a long minion id, step, error.</summary>
    public const string Busy = """
        {
          "replica": "salt-master-eu-west-1a.prod.example.com",
          "version": "1.4.0",
          "commit": "0a1b2c3",
          "startedAt": "2026-12-06T09:00:00+00:00",
          "uptimeSeconds": 11520,
          "at": "2026-12-06T12:12:00+00:00",
          "queue": {
            "main": { "visible": 2, "inFlight": 5, "delayed": 0 },
            "deadLetter": { "visible": 0, "inFlight": 0, "delayed": 0 },
            "at": "2026-12-06T12:11:48+00:00"
          },
          "inFlight": [
            {
              "kind": "Launching", "instanceId": "i-0123456789abcdef0", "minionId": "web-frontend-production-eu-west-1-i-0123456789abcdef0",
              "step": "highstate running (resumed)", "since": "2026-12-06T12:10:55+00:00", "ageSeconds": 65, "attempt": 2,
              "messageId": "5fea7756-0ea4-451a-a703-a558b933e274", "master": "master-eu-west-1a", "jid": "20261206121100123456_5d1f0e3a9b7c2468",
              "hookTimeoutSeconds": 600
            },
            {
              "kind": "Terminating", "instanceId": "i-0fedcba9876543210", "minionId": "web-i-0fedcba9876543210",
              "step": "waiting for the minion to answer", "since": "2026-12-06T12:11:50+00:00", "ageSeconds": 10, "attempt": 0,
              "messageId": null, "master": null, "jid": null, "hookTimeoutSeconds": null
            }
          ],
          "recent": [
            {
              "kind": "Launching", "instanceId": "i-00000000000000001", "minionId": "web-i-00000000000000001", "result": "CONTINUE",
              "summary": "provisioned (jid 20261206120500000001_0f1e2d3c4b5a6978); completed CONTINUE", "ended": "2026-12-06T12:07:00+00:00",
              "tookSeconds": 123, "master": "master-eu-west-1a", "jid": "20261206120500000001_0f1e2d3c4b5a6978"
            },
            {
              "kind": "Terminated", "instanceId": "i-00000000000000002", "minionId": "web-i-00000000000000002", "result": "key deleted",
              "summary": "key web-i-00000000000000002 deleted on every master", "ended": "2026-12-06T12:01:00+00:00",
              "tookSeconds": 0.4, "master": "master-eu-west-1a", "jid": null
            }
          ],
          "masters": [
            {
              "name": "master-eu-west-1a", "saltApiAnswering": true, "eventStream": "proven", "eventStreamDownSince": null,
              "lastEventAt": "2026-12-06T12:11:58+00:00", "owedAccepts": 0, "owedDeletes": 0, "owedSince": null
            },
            {
              "name": "master-eu-west-1b-with-a-long-name", "saltApiAnswering": false, "eventStream": "down",
              "eventStreamDownSince": "2026-12-06T11:40:00+00:00", "lastEventAt": "2026-12-06T11:39:58+00:00",
              "owedAccepts": 2, "owedDeletes": 1, "owedSince": "2026-12-06T11:40:30+00:00"
            }
          ],
          "outages": [
            {
              "dependency": "salt-api master-eu-west-1b-with-a-long-name", "since": "2026-12-06T11:40:00+00:00",
              "error": "salt-api at https://10.0.2.15:8000 is unreachable: Connection refused (10.0.2.15:8000)",
              "meanwhile": "launches go on without it (SaltApi:MasterDown is Proceed); key accepts and deletes it misses are owed"
            }
          ],
          "leases": [
            { "kind": "instance", "name": "web-frontend-production-eu-west-1-i-0123456789abcdef0", "holder": "salt-master-eu-west-1a.prod.example.com", "expires": null },
            { "kind": "instance", "name": "web-i-0fedcba9876543210", "holder": "salt-master-eu-west-1a.prod.example.com", "expires": null },
            { "kind": "task", "name": "owed-key-work", "holder": "replica-b", "expires": "2026-12-06T12:12:20+00:00" }
          ],
          "problems": [
            "master master-eu-west-1b-with-a-long-name: salt-api not answering for 32m00s (salt-api at https://10.0.2.15:8000 is unreachable: Connection refused (10.0.2.15:8000))",
            "master master-eu-west-1b-with-a-long-name is owed 2 key accept(s) and 1 delete(s) for 31m30s"
          ]
        }
        """;

    private static string AllWell => Busy[..Busy.IndexOf("\"problems\"", StringComparison.Ordinal)] + "\"problems\": []\n}";

    [Fact]
    public async Task ShowAsync_BusyFleet_EveryLineFitsIn80Columns()
    {
        var (_, output, _) = await ShowAsync(Busy);

        var lines = output.Split('\n');
        lines.Should().OnlyContain(l => l.Length <= 80, output);
        lines.Should().HaveCountGreaterThan(20);
    }

    [Fact]
    public async Task ShowAsync_BusyFleet_SectionsInOrderEachRowAtAGlance()
    {
        var (_, output, _) = await ShowAsync(Busy);

        output.Should().StartWith("replica salt-master-eu-west-1a.prod.example.com · up 3h12m · 1.4.0 (0a1b2c3)\n"
            + "queue: 2 waiting, 5 in flight · dead-letter: 0 · read 12s ago\n");
        var lines = output.Split('\n');
        lines.Should().ContainInOrder(
            "IN FLIGHT (2)",
            "INSTANCE             KIND         STEP                                       AGE",
            "i-0123456789abcdef0  launching    highstate running (resumed)              1m05s",
            "  ↳ master-eu-west-1a · jid 20261206121100123456_5d1f0e3a9b7c2468 · receive 2 ·…",
            "i-0fedcba9876543210  terminating  waiting for the minion to answer           10s",
            "  ↳ taken over · web-i-0fedcba9876543210",
            "MASTERS",
            "NAME                SALT-API     EVENTS     LAST EVENT  OWED ACCEPTS/DELETES",
            "master-eu-west-1a   up           proven     2s ago      0/0",
            "master-eu-west-1b…  DOWN 32m00s  down       32m ago     2/1, oldest 31m30s",
            "RECENT (newest first)",
            "INSTANCE             KIND         RESULT           TOOK     ENDED",
            "i-00000000000000001  launching    CONTINUE        2m03s    5m ago",
            "  ↳ master-eu-west-1a · jid 20261206120500000001_0f1e2d3c4b5a6978",
            "i-00000000000000002  terminated   key deleted        0s   11m ago",
            "  ↳ master-eu-west-1a",
            "LEASES (by replica)",
            "  replica-b: owed-key-work",
            "  salt-master-eu-west-1a.prod.example.com: 2 instances",
            "NEEDS A PERSON (2)");
        output.Should().EndWith("""
            NEEDS A PERSON (2)
            ! master master-eu-west-1b-with-a-long-name: salt-api not answering for 32m00s
              (salt-api at https://10.0.2.15:8000 is unreachable: Connection refused
              (10.0.2.15:8000))
            ! master master-eu-west-1b-with-a-long-name is owed 2 key accept(s) and 1
              delete(s) for 31m30s

            """);
    }

    [Fact]
    public async Task ShowAsync_NothingNeedsAPerson_Exit0AndSaysSo()
    {
        var (code, output, error) = await ShowAsync(AllWell);

        code.Should().Be(0);
        output.Should().EndWith("All well: nothing needs a person.\n");
        error.Should().BeEmpty();
    }

    [Fact]
    public async Task ShowAsync_SomethingNeedsAPerson_Exit1()
    {
        var (code, _, _) = await ShowAsync(Busy);

        code.Should().Be(StatusView.NeedsAPersonExitCode);
    }

    [Fact]
    public async Task ShowAsync_Json_PrintsTheDaemonsJsonAsItCame()
    {
        var (code, output, _) = await ShowAsync(Busy, json: true);

        output.Should().Be(Busy);
        code.Should().Be(StatusView.NeedsAPersonExitCode, "--json exits as the table does, for scripts");
    }

    [Fact]
    public async Task ShowAsync_DaemonWithoutStatus_Exit2WithOneLine()
    {
        var (code, output, error) = await ShowAsync("Not Found", HttpStatusCode.NotFound);

        code.Should().Be(StatusView.UnreachableExitCode);
        output.Should().BeEmpty();
        error.Should().Be("error: the daemon at http://127.0.0.1:9464/status answered 404 Not Found (a daemon older than this command has no /status)\n");
    }

    [Fact]
    public async Task RunAsync_NothingListening_Exit2WithOneClearLineNoStackTrace()
    {
        var port = LoopbackPort.Free();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await BridgeCli.RunAsync(["status", "--url", $"http://127.0.0.1:{port}"], output, error);

        code.Should().Be(StatusView.UnreachableExitCode);
        error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle()
            .Which.Should().StartWith($"error: cannot reach the daemon at http://127.0.0.1:{port}/status: Connection refused")
            .And.EndWith("(is it running, and is this its Health:Urls?)");
        output.ToString().Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_ConfigWithAFreePort_Exit2SaysToGiveTheUrl()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{ "Health": { "Urls": "http://127.0.0.1:0" } }""", Ct);
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await BridgeCli.RunAsync(["status", "--config", file], output, error);

            code.Should().Be(2);
            error.ToString().Should().Be("error: Health:Urls 'http://127.0.0.1:0' asks for a free port; the daemon logs the one it got (\"Now listening on\"): give it with --url" + Environment.NewLine);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:9464", "http://127.0.0.1:9464/status")]
    [InlineData("http://+:9500;http://127.0.0.1:9464", "http://127.0.0.1:9500/status")]
    [InlineData("http://0.0.0.0:9464", "http://127.0.0.1:9464/status")]
    [InlineData("http://[::]:9464", "http://[::1]:9464/status")]
    public void FindStatusUrl_FirstOfHealthUrls_AWildcardReadAsLoopback(string urls, string expected)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $$"""{ "Health": { "Urls": "{{urls}}" } }""");

            StatusCommand.FindStatusUrl(new FileInfo(file), null, out var problem).Should().Be(new Uri(expected), problem);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void FindStatusUrl_ConfigAndUrl_OneOrTheOther()
    {
        StatusCommand.FindStatusUrl(new FileInfo("x.json"), "http://127.0.0.1:9464", out var problem).Should().BeNull();
        problem.Should().Be("give --config or --url, not both");
    }

    [Fact]
    public async Task WatchAsync_TwoFrames_EachClearsTheScreenAndShowsTheLatestUntilStopped()
    {
        var frames = new Queue<string>([Busy, AllWell]);
        using var handler = new ScriptedHandler(() => (frames.Count > 1 ? frames.Dequeue() : frames.Peek(), HttpStatusCode.OK));
        using var http = new HttpClient(handler);
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waits = new List<TimeSpan>();
        var view = new StatusView(http, StatusUrl, output, error);

        var code = await view.WatchAsync(json: false, (delay, token) =>
        {
            waits.Add(delay);
            if (waits.Count == 2)
                stop.Cancel();
            return Task.Delay(TimeSpan.Zero, token);
        }, stop.Token);

        handler.Requests.Should().Be(2);
        waits.Should().Equal(StatusView.WatchInterval, StatusView.WatchInterval);
        var shown = output.ToString().Split(StatusView.ClearScreen, StringSplitOptions.RemoveEmptyEntries);
        shown.Should().HaveCount(2);
        shown[0].Should().Contain("NEEDS A PERSON (2)").And.EndWith("(every 2 s; Ctrl-C stops)\n");
        shown[1].Should().Contain("All well: nothing needs a person.");
        code.Should().Be(0, "the last frame's verdict");
    }

    [Fact]
    public async Task WatchAsync_DaemonGoneBetweenFrames_SaysSoAndKeepsWatching()
    {
        var answers = new Queue<(string, HttpStatusCode)>([(AllWell, HttpStatusCode.OK), ("", HttpStatusCode.ServiceUnavailable)]);
        using var handler = new ScriptedHandler(() => answers.Dequeue());
        using var http = new HttpClient(handler);
        using var output = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var frames = 0;
        var view = new StatusView(http, StatusUrl, output, TextWriter.Null);

        var code = await view.WatchAsync(json: false, (_, token) =>
        {
            if (++frames == 2)
                stop.Cancel();
            return Task.CompletedTask;
        }, stop.Token);

        output.ToString().Split(StatusView.ClearScreen, StringSplitOptions.RemoveEmptyEntries)[1].Should()
            .StartWith("error: the daemon at http://127.0.0.1:9464/status answered 503 Service Unavailable");
        code.Should().Be(StatusView.UnreachableExitCode);
    }

    private static async Task<(int Code, string Output, string Error)> ShowAsync(string body, HttpStatusCode status = HttpStatusCode.OK, bool json = false)
    {
        using var handler = new ScriptedHandler(() => (body, status));
        using var http = new HttpClient(handler);
        using var output = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        using var error = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var code = await new StatusView(http, StatusUrl, output, error).ShowAsync(json, Ct);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Answers every request with the next scripted body and status.</summary>
    private sealed class ScriptedHandler(Func<(string Body, HttpStatusCode Status)> next) : HttpMessageHandler
    {
        public int Requests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            var (body, status) = next();
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
