using SaltApiBridge.Cli;

namespace SaltApiBridge.Tests.Cli;

public sealed class BridgeCliTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BridgeCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task RunAsync_NoCommand_PointsAtHelpExit2()
    {
        var (code, output, error) = await Run();

        code.Should().Be(2);
        output.Should().BeEmpty();
        error.Should().Be("error: no command given; `saltapibridge --help` lists them (run, check, explain, reconcile, …)" + Environment.NewLine);
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_NamesItAndPointsAtHelp()
    {
        var (code, _, error) = await Run("provision");

        code.Should().Be(2);
        error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "error: Unrecognized command or argument 'provision'.",
            "error: no command given; `saltapibridge --help` lists them (run, check, explain, reconcile, …)");
    }

    [Fact]
    public async Task RunAsync_UnknownOptionOfACommand_PointsAtThatCommandsHelp()
    {
        var (code, _, error) = await Run("run", "--confg", "x.json");

        code.Should().Be(2);
        error.Should().EndWith("see `saltapibridge run --help`" + Environment.NewLine);
    }
}
