using System.CommandLine;

namespace SaltApiBridge.Cli;

/// <summary>The <c>saltapibridge</c> command line: the daemon and the operator's tools.</summary>
public static class BridgeCli
{
    public static RootCommand CreateRoot() => new("SaltApiBridge: provisions and cleans EC2 Auto Scaling instances through salt-api.")
    {
        RunCommand.Create(),
        ExplainCommand.Create(),
        DemoCommand.Create(),
        CheckCommand.Create(),
        ReplayCommand.Create(),
    };

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        // The host handles SIGTERM/SIGINT itself (drain, then release): the parser must not race it.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        if (output is not null)
            configuration.Output = output;
        if (error is not null)
            configuration.Error = error;
        return await CreateRoot().Parse(args).InvokeAsync(configuration);
    }
}
