using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Hosting;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Tests.AutoScaling;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// The real daemon (<see cref="BridgeHost"/>: configuration, validation, DI, worker, Kestrel) pointed at the emulator's
/// queue, the simulated salt-api and the simulated Auto Scaling endpoint. Only the AWS credentials are swapped for
/// fixed ones (the SDK's chain would look at this machine's environment). Timings are shortened so the tests run in
/// seconds; the code paths are the production ones.
/// </summary>
internal sealed class BridgeDaemon : IAsyncDisposable
{
    private readonly WebApplication app;

    private BridgeDaemon(WebApplication app, CapturedLogs logs)
    {
        this.app = app;
        Logs = logs;
    }

    /// <summary>
    /// Overrides that give the daemon the levels it ships with: the harness's Debug and per-category settings taken
    /// out (a null level is no rule), its defaults put back where the harness overrode the same key. The captured
    /// logger then sees what the console would print.
    /// </summary>
    public static Dictionary<string, string?> DefaultLogLevels
    {
        get
        {
            var levels = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Microsoft"] = null,
                ["Logging:LogLevel:System.Net.Http"] = null,
                ["Logging:LogLevel:Polly"] = null,
            };
            foreach (var (key, level) in BridgeLogging.DefaultLevels)
                levels[key] = level;
            return levels;
        }
    }

    /// <summary>Every log line of the daemon, Debug and up (unless <see cref="DefaultLogLevels"/> are given).</summary>
    public CapturedLogs Logs { get; }

    public LifecyclePipeline Pipeline => app.Services.GetRequiredService<LifecyclePipeline>();

    /// <summary>The daemon's container.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>Cancelled once the daemon stops, on its own (a failed start-up check) or asked to.</summary>
    public CancellationToken Stopping => app.Lifetime.ApplicationStopping;

    /// <summary>The health/metrics base URL Kestrel bound (port 0 picks a free one).</summary>
    public Uri HealthUrl =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public static async Task<BridgeDaemon> StartAsync(
        FauxqsServer fauxqs, string queueUrl, SimulatedSaltApi salt, SimulatedAutoScaling autoScaling,
        IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Queue:QueueUrl"] = queueUrl,
            ["Queue:WaitTimeSeconds"] = "1",
            ["Queue:Pollers"] = "2",
            ["Queue:VisibilityTimeoutSeconds"] = "30",
            ["SaltApi:BaseUrl"] = salt.BaseUrl,
            ["SaltApi:Username"] = "saltapi",
            ["SaltApi:Password"] = SaltApiHarness.Password,
            ["SaltApi:RetryDelay"] = "00:00:00.050",
            ["SaltApi:MaxRetries"] = "2",
            ["SaltApi:CircuitBreakDuration"] = "00:00:00.500",
            ["SaltApi:KeyPollInterval"] = "00:00:00.050",
            ["SaltApi:KeyPollMaxInterval"] = "00:00:00.200",
            ["SaltApi:ReachablePollInterval"] = "00:00:00.050",
            ["SaltApi:ReachablePollMaxInterval"] = "00:00:00.200",
            ["SaltApi:JobPollInterval"] = "00:00:00.100",
            ["SaltApi:JobPollMaxInterval"] = "00:00:00.250",
            ["AutoScaling:Region"] = FauxqsServer.Region,
            ["AutoScaling:ServiceUrl"] = autoScaling.Url,
            ["AutoScaling:RetryBaseDelay"] = "00:00:00.050",
            ["Pipeline:StepRetryDelay"] = "00:00:00.100",
            ["Pipeline:RetryBackoff"] = "00:00:01",
            ["Pipeline:MaxRetryBackoff"] = "00:00:02",
            ["Pipeline:DrainTimeout"] = "00:00:03",
            ["Pipeline:VisibilityExtensionInterval"] = "00:00:01",
            ["Pipeline:DeleteBatchWindow"] = "00:00:00.050",
            ["Health:Urls"] = "http://127.0.0.1:0",
            ["Health:ReadinessCacheDuration"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Debug",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:System.Net.Http"] = "Warning",
            ["Logging:LogLevel:Polly"] = "Warning",
            ["Logging:Console:LogLevel:Default"] = "None",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;

        var logs = new CapturedLogs();
        var app = BridgeHost.Build(
            configFile: null,
            configureConfiguration: configuration => configuration.AddInMemoryCollection(settings),
            configureServices: services =>
            {
                services.Replace(ServiceDescriptor.Singleton<IAmazonSQS>(_ => fauxqs.CreateSqsClient()));
                services.Replace(ServiceDescriptor.Singleton<IAwsCredentialsSource>(
                    new StaticCredentialsSource(new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null))));
                services.AddSingleton<ILoggerProvider>(logs);
                configureServices?.Invoke(services);
            });
        var daemon = new BridgeDaemon(app, logs);
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            // A daemon that refuses to start (a start-up check) must not leave its host behind.
            await app.DisposeAsync();
            throw;
        }

        return daemon;
    }

    /// <summary>SIGTERM's path: the host stops, the worker drains within the drain timeout.</summary>
    public Task StopAsync() => app.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
