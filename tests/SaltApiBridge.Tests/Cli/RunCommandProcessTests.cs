using System.Text.Json;
using SaltApiBridge.Hosting;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Cli;

/// <summary><c>saltapibridge run</c> in a process of its own (the JIT build), for what only a real process shows: its exit code on a signal.</summary>
public sealed class RunCommandProcessTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new();
    private string queueUrl = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => queueUrl = await fauxqs.CreateQueueAsync("run-" + Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
    }

    [Fact]
    public async Task Run_Start_LogsItsOwnLineWithVersionQueueAndMasters()
    {
        await using var daemon = StartDaemon();
        await Eventually.UntilAsync(
            () => Task.FromResult(daemon.Output.Contains(" starting: ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => "no start line:\n" + daemon.Output);

        daemon.Output.Split('\n').Should().ContainSingle(l => l.Contains(" starting: ", StringComparison.Ordinal)).Which.Should()
            .Contain($"SaltApiBridge {StartLine.CurrentVersion} starting: queue {queueUrl}; masters local {salt.BaseUrl}; groups every group; records in memory")
            .And.NotContain("saltapi-test-pw");
    }

    [Fact]
    public async Task Run_Sigterm_StopsCleanlyExit0WithoutStackTrace()
    {
        await using var daemon = StartDaemon();
        await Eventually.UntilAsync(
            () => Task.FromResult(daemon.Output.Contains("Application started", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), () => "it never started:\n" + daemon.Output);

        await daemon.SigtermAsync(Ct);

        (await daemon.ExitCodeAsync(TimeSpan.FromSeconds(30), Ct)).Should().Be(0, daemon.Output);
        daemon.Output.Should().NotContain("Exception");
    }

    private DaemonProcess StartDaemon() => DaemonProcess.Start(executable: null, ["run"], JsonSerializer.Serialize(new
    {
        Queue = new { QueueUrl = queueUrl, ServiceUrl = fauxqs.Endpoint, Region = FauxqsServer.Region, WaitTimeSeconds = 1 },
        SaltApi = new { BaseUrl = salt.BaseUrl, Username = "saltapi", Password = "saltapi-test-pw" },
        AutoScaling = new { Region = FauxqsServer.Region, ServiceUrl = autoScaling.Url },
        Health = new { Urls = "http://127.0.0.1:0" },
    }));
}
