using SaltApiBridge.Cli;
using SaltApiBridge.Tests.AutoScaling;

namespace SaltApiBridge.Tests.Cli;

/// <summary><c>run</c> with the SDK's real credential chain, in a clean AWS environment.</summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class RunCommandCredentialsTests
{
    [Fact]
    public async Task Run_ValidConfigurationNoAwsCredentials_OneLineNamingTheSourcesExit3()
    {
        using var environment = new AwsEnvironment();
        var file = Path.Combine(environment.Folder, "appsettings.json");
        await File.WriteAllTextAsync(file, """
            { "Queue": { "QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/saltapibridge", "Region": "eu-west-1" },
              "SaltApi": { "Username": "saltapi", "Password": "hunter2" },
              "AutoScaling": { "Region": "eu-west-1" },
              "Health": { "Urls": "http://127.0.0.1:0" } }
            """, TestContext.Current.CancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var code = await BridgeCli.RunAsync(["run", "--config", file], output, error);

        code.Should().Be(3);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "it fails fast, not after polling");
        var lines = error.ToString().TrimEnd().Split('\n');
        lines.Should().ContainSingle().Which.Should().StartWith("error: no AWS credentials found; tried: environment")
            .And.Contain("profile 'default'").And.Contain("web identity").And.Contain("instance metadata").And.Contain("IAM role");
    }
}
