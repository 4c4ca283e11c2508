using System.Text.Json;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// The configuration file of a daemon run as a child process (<see cref="DaemonProcess"/>) in a chaos scenario: the
/// run's queue and simulators, the short timeouts of <see cref="ChaosSettings"/>, JSON console logs at Debug. The
/// password is in the file too: never on the command line.
/// </summary>
internal static class ChaosDaemonConfiguration
{
    /// <param name="pipeline">Pipeline settings added to (or replacing) the shared ones: where records live, retry delays.</param>
    /// <param name="coordination">The Coordination section; null: the File store.</param>
    public static string Json(ChaosRun run, string queueEndpoint, int visibilityTimeoutSeconds, IReadOnlyDictionary<string, object> pipeline, object? coordination = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(pipeline);
        var pipelineSection = new Dictionary<string, object>
        {
            ["MaxInFlight"] = 16,
            ["StepRetryDelay"] = "00:00:00.100",
            ["RetryBackoff"] = "00:00:01",
            ["MaxRetryBackoff"] = "00:00:02",
            ["DrainTimeout"] = "00:00:03",
            ["VisibilityExtensionInterval"] = "00:00:01",
            ["DeleteBatchWindow"] = "00:00:00.050",
        };
        foreach (var (key, value) in pipeline)
            pipelineSection[key] = value;
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Queue"] = new Dictionary<string, object>
            {
                ["QueueUrl"] = run.QueueUrl,
                ["ServiceUrl"] = queueEndpoint,
                ["Region"] = FauxqsServer.Region,
                ["WaitTimeSeconds"] = 1,
                ["Pollers"] = 2,
                ["VisibilityTimeoutSeconds"] = visibilityTimeoutSeconds,
            },
            ["SaltApi"] = new Dictionary<string, object>
            {
                ["BaseUrl"] = run.Salt.BaseUrl,
                ["Username"] = "saltapi",
                ["Password"] = SaltApiHarness.Password,
                ["AttemptTimeout"] = ChaosSettings.AttemptTimeout,
                ["RetryDelay"] = "00:00:00.050",
                ["MaxRetries"] = 2,
                ["CircuitBreakDuration"] = "00:00:00.500",
                ["KeyPollInterval"] = "00:00:00.050",
                ["KeyPollMaxInterval"] = "00:00:00.200",
                ["ReachablePollInterval"] = "00:00:00.050",
                ["ReachablePollMaxInterval"] = "00:00:00.200",
                ["JobPollInterval"] = "00:00:00.100",
                ["JobPollMaxInterval"] = "00:00:00.250",
            },
            ["AutoScaling"] = new Dictionary<string, object>
            {
                ["Region"] = FauxqsServer.Region,
                ["ServiceUrl"] = run.AutoScaling.Url,
                ["RetryBaseDelay"] = "00:00:00.050",
            },
            ["Pipeline"] = pipelineSection,
            ["Coordination"] = coordination ?? new Dictionary<string, object>(),
            ["Health"] = new Dictionary<string, object> { ["Urls"] = "http://127.0.0.1:0" },
            ["Logging"] = new Dictionary<string, object>
            {
                ["LogLevel"] = new Dictionary<string, string> { ["Default"] = "Debug", ["Microsoft"] = "Warning", ["System.Net.Http"] = "Warning", ["Polly"] = "Warning" },
                ["Console"] = new Dictionary<string, object> { ["FormatterName"] = "json" },
            },
        });
    }
}
