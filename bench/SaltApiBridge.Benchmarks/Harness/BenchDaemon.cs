using System.Globalization;
using Amazon.DynamoDBv2;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>The real daemon (BridgeHost) for a bench run: against the emulator, with either in-process fakes or the HTTP simulators.</summary>
internal static class BenchDaemon
{
    public static WebApplication Build(
        FauxqsEmulator emulator, string queueUrl, int pollers, int maxInFlight, IDictionary<string, string?>? extra = null,
        ISaltMaster? salt = null, ILifecycleActionClient? lifecycle = null, IAmazonDynamoDB? dynamoDb = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Queue:QueueUrl"] = queueUrl,
            ["Queue:WaitTimeSeconds"] = "1",
            ["Queue:Pollers"] = pollers.ToString(CultureInfo.InvariantCulture),
            ["Queue:VisibilityTimeoutSeconds"] = "60",
            ["SaltApi:BaseUrl"] = "http://127.0.0.1:9",
            ["SaltApi:Username"] = "saltapibridge",
            ["SaltApi:Password"] = "bench",
            ["AutoScaling:Region"] = FauxqsEmulator.Region,
            ["AutoScaling:ServiceUrl"] = "http://127.0.0.1:9",
            ["Pipeline:MaxInFlight"] = maxInFlight.ToString(CultureInfo.InvariantCulture),
            ["Pipeline:DeduplicationWindow"] = "00:30:00",
            ["Pipeline:VisibilityExtensionInterval"] = "00:00:20",
            ["Health:Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:LogLevel:Default"] = "None",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        return LocalDaemon.Build(emulator, settings, services =>
        {
            if (salt is not null)
                services.Replace(ServiceDescriptor.Singleton(salt));
            // The DynamoDB store's client with the bench's credentials (the machine's AWS setup must not matter).
            if (dynamoDb is not null)
                services.Replace(ServiceDescriptor.Singleton(dynamoDb));
            if (lifecycle is not null)
            {
                services.Replace(ServiceDescriptor.Singleton(lifecycle));
                services.Replace(ServiceDescriptor.Singleton<IAutoScalingInventory>(new InstantInventory()));
            }
        });
    }

    /// <summary>
    /// Settings for a daemon against the HTTP simulators: their addresses, and the production key, ping and job-poll
    /// cadences compressed by <paramref name="timeScale"/> like the simulated clock.
    /// </summary>
    public static Dictionary<string, string?> AgainstSimulators(string saltUrl, string autoScalingUrl, double timeScale)
    {
        string Scaled(double seconds) => Compressed(seconds, timeScale);
        return new Dictionary<string, string?>
        {
            ["SaltApi:BaseUrl"] = saltUrl,
            ["AutoScaling:ServiceUrl"] = autoScalingUrl,
            ["SaltApi:KeyPollInterval"] = Scaled(2),
            ["SaltApi:KeyPollMaxInterval"] = Scaled(15),
            ["SaltApi:ReachablePollInterval"] = Scaled(1),
            ["SaltApi:ReachablePollMaxInterval"] = Scaled(5),
            ["SaltApi:JobPollInterval"] = Scaled(StormBenchmark.Cadence.First.TotalSeconds),
            ["SaltApi:JobPollMaxInterval"] = Scaled(StormBenchmark.Cadence.Max.TotalSeconds),
        };
    }

    /// <summary>A duration setting of <paramref name="seconds"/> on a clock compressed by <paramref name="timeScale"/>.</summary>
    public static string Compressed(double seconds, double timeScale) =>
        TimeSpan.FromSeconds(seconds * timeScale).ToString("c", CultureInfo.InvariantCulture);

    public static LifecyclePipeline Pipeline(this WebApplication app) => app.Services.GetRequiredService<LifecyclePipeline>();
}
