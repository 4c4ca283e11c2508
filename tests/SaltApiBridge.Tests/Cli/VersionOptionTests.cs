using SaltApiBridge.Cli;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Tests.Cli;

public sealed class VersionOptionTests
{
    [Fact]
    public async Task RunAsync_Version_PrintsTheBuildVersionAloneExit0()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await BridgeCli.RunAsync(["--version"], output, error);

        code.Should().Be(0);
        output.ToString().Should().Be(BuildVersion.Current.Version + Environment.NewLine);
        error.ToString().Should().BeEmpty();
    }
}
