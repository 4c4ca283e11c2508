using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;

namespace SaltApiBridge.Cli;

/// <summary>The <c>saltapibridge</c> command line: the daemon and the operator's tools.</summary>
public static class BridgeCli
{
    /// <param name="configureServices">Service overrides for the commands that build their own services (tests).</param>
    public static RootCommand CreateRoot(Action<IServiceCollection>? configureServices = null) =>
        new("SaltApiBridge: provisions and cleans EC2 Auto Scaling instances through salt-api.")
        {
            RunCommand.Create(configureServices),
            ExplainCommand.Create(),
            ReconcileCommand.Create(configureServices),
            CheckCommand.Create(),
            ReplayCommand.Create(),
            CreateTableCommand.Create(configureServices),
            StatusCommand.Create(),
        };

    public static async Task<int> RunAsync(
        string[] args, TextWriter? output = null, TextWriter? error = null, Action<IServiceCollection>? configureServices = null)
    {
        // The host handles SIGTERM/SIGINT itself (drain, then release): the parser must not race it.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        if (output is not null)
            configuration.Output = output;
        if (error is not null)
            configuration.Error = error;
        var parsed = CreateRoot(configureServices).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Bad input is exit 2 with one error: line per problem, as the commands themselves report it.
            // No command named: point at the list instead of System.CommandLine's "Required command was not provided."
            // (its words, whatever the culture, are those of an empty command line).
            var noCommand = parsed.CommandResult.Command is RootCommand;
            var requiredCommand = parsed.RootCommandResult.Command.Parse([]).Errors.Select(e => e.Message).ToHashSet();
            foreach (var problem in parsed.Errors.Where(p => !noCommand || !requiredCommand.Contains(p.Message)))
                await configuration.Error.WriteLineAsync("error: " + problem.Message);
            var command = noCommand ? "" : parsed.CommandResult.Command.Name + " ";
            await configuration.Error.WriteLineAsync(noCommand
                ? "error: no command given; `saltapibridge --help` lists them (run, check, explain, reconcile, …)"
                : $"see `saltapibridge {command}--help`");
            return CliOptions.BadInputExitCode;
        }

        return await parsed.InvokeAsync(configuration);
    }
}
