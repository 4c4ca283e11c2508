using SaltApiBridge.Cli;

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
    public async Task Run_ConfigFileMissing_OneErrorLineExit2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await BridgeCli.RunAsync(["run", "--config", "/no/such/saltapibridge.json"], output, error);

        code.Should().Be(2);
        error.ToString().Should().StartWith("error: ").And.NotContain("   at ");
    }
}
