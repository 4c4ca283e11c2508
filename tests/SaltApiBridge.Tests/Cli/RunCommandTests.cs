using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Hosting;
using SaltApiBridge.Tests.AutoScaling;

namespace SaltApiBridge.Tests.Cli;

public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_InvalidConfigFile_ListsEveryProblemAndExits2WithoutStackTrace()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "SaltApi": { "BaseUrl": "http://10.0.0.5:8000", "Username": "saltapi", "Password": "hunter2" },
              "Pipeline": { "MaxInFlight": 0 },
              "Health": { "Urls": "http://0.0.0.0:9464" } }
            """, TestContext.Current.CancellationToken);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await BridgeCli.RunAsync(["run", "--config", file], output, error);

            code.Should().Be(2);
            var text = error.ToString();
            text.Should().StartWith("error: invalid configuration:")
                .And.Contain("Queue").And.Contain("loopback").And.Contain("MaxInFlight").And.Contain("Health:Urls");
            text.Should().NotContain("   at ").And.NotContain("hunter2");
            output.ToString().Should().NotContain("   at ");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_TheDaemonsOwnProcess_GivesABurstsMemoryBack()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-{Guid.NewGuid():N}.json");
        // Builds, then stops at validation: what matters is what the daemon's host was given (as the tests' overrides
        // see it, before the start order wraps the hosted services).
        await File.WriteAllTextAsync(file, """{ "Pipeline": { "MaxInFlight": 0 } }""", TestContext.Current.CancellationToken);
        try
        {
            List<ServiceDescriptor>? registered = null;
            using var error = new StringWriter();

            await BridgeCli.RunAsync(["run", "--config", file], TextWriter.Null, error, services => registered = [.. services]);

            registered.Should().NotBeNull(error.ToString());
            registered!.Should().Contain(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(HeapTrimmer));
            registered.Should().Contain(d => d.ServiceType == typeof(IManagedHeap) && d.ImplementationType == typeof(GcHeap));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_MalformedJson_NamesFileLineAndPositionExit2()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{\n  \"Queue\": { \"QueueName\": \"q\" }\n  \"Bridge\": {}\n}\n", TestContext.Current.CancellationToken);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await BridgeCli.RunAsync(["run", "--config", file], output, error);

            code.Should().Be(2);
            error.ToString().TrimEnd().Should().StartWith($"error: cannot load configuration: {file}: line 3, position 3: ")
                .And.Contain("Expected either ','").And.NotContain("LineNumber").And.NotContain("\n");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_ValuesOfTheWrongType_EachNamedWithTheValidValuesAlongsideTheSectionsOtherProblems()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "Queue": { "QueueName": "q", "Region": "eu-west-1", "Pollers": "two" },
              "SaltApi": { "Username": "saltapi", "Password": "hunter2", "EventStream": { "Enabled": "yes", "SafetyPolInterval": "00:01:00" } },
              "AutoScaling": { "Region": "eu-west-1" },
              "Bridge": { "LaunchFailureResult": "Maybe", "MinionIdTemplate": "{group}", "AcceptRejectedKeys": "yes" },
              "Pipeline": { "DrainTimeout": "5m", "MaxInFlight": 0 } }
            """, TestContext.Current.CancellationToken);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await BridgeCli.RunAsync(["run", "--config", file], output, error);

            code.Should().Be(2);
            var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
            lines.Should().Contain([
                "- Bridge:LaunchFailureResult: 'Maybe' is not one of Continue, Abandon",
                "- Bridge:AcceptRejectedKeys: 'yes' is not true or false",
                "- Queue:Pollers: 'two' is not a whole number",
                "- SaltApi:EventStream:Enabled: 'yes' is not true or false",
                "- SaltApi:EventStream:SafetyPolInterval is not a setting of the SaltApi:EventStream section; did you mean SaltApi:EventStream:SafetyPollInterval?",
            ]);
            lines.Should().Contain(l => l.StartsWith("- Pipeline:DrainTimeout: '5m' is not a duration", StringComparison.Ordinal));
            // The same sections' other problems are still listed.
            lines.Should().Contain(l => l.StartsWith("- Bridge:MinionIdTemplate '{group}'", StringComparison.Ordinal))
                .And.Contain(l => l.StartsWith("- Pipeline:MaxInFlight must be", StringComparison.Ordinal));
            error.ToString().Should().NotContain("SaltApiBridge.").And.NotContain("to type");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_ConfigFileMissing_OneErrorLineExit2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await BridgeCli.RunAsync(["run", "--config", "/no/such/saltapibridge.json"], output, error);

        code.Should().Be(2);
        error.ToString().Should().StartWith("error: ").And.NotContain("   at ");
    }

    [Fact]
    public async Task Run_BackgroundServiceFails_SaysSoAndExits1()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-{Guid.NewGuid():N}.json");
        // A valid configuration whose endpoints answer nothing: the failing service stops the daemon first.
        await File.WriteAllTextAsync(file, """
            { "Queue": { "QueueUrl": "http://127.0.0.1:9/000000000000/bridge", "ServiceUrl": "http://127.0.0.1:9", "Region": "us-east-1" },
              "SaltApi": { "BaseUrl": "http://127.0.0.1:9", "Username": "saltapi", "Password": "hunter2" },
              "AutoScaling": { "Region": "us-east-1", "ServiceUrl": "http://127.0.0.1:9" },
              "Health": { "Urls": "http://127.0.0.1:0" },
              "Logging": { "Console": { "LogLevel": { "Default": "None" } } } }
            """, TestContext.Current.CancellationToken);
        try
        {
            using var error = new StringWriter();

            var code = await BridgeCli.RunAsync(["run", "--config", file], TextWriter.Null, error, services =>
            {
                // Credentials found at once: the start-up checks must not be what stops it.
                services.Replace(ServiceDescriptor.Singleton<IAwsCredentialsSource>(new StaticCredentialsSource(new ImmutableCredentials("AKIDEXAMPLE", "secret", null))));
                services.AddHostedService<FailingService>();
            });

            code.Should().Be(1, error.ToString());
            error.ToString().Should().Be("error: the daemon stopped on an unexpected failure (see the log)" + Environment.NewLine);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private sealed class FailingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("a bug");
        }
    }
}
