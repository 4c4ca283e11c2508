using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Cli;

/// <summary><c>saltapibridge check</c>: is this configuration ready to run? One line per check, with how to fix it.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var command = new Command("check", "Check the configuration, the queue, salt-api (login, clients, /hook) and the Auto Scaling credentials; exit 1 when any check fails.")
        {
            config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            Microsoft.AspNetCore.Builder.WebApplication app;
            try
            {
                // Quiet: the check prints its own lines; the daemon's logs would only repeat them.
                app = BridgeHost.Build(parse.GetValue(config), builder => builder.AddInMemoryCollection(BridgeLogging.Silenced));
            }
            catch (Exception e) when (CliOptions.IsConfigurationError(e))
            {
                await error.WriteLineAsync("error: cannot load configuration: " + CliOptions.DescribeConfigurationError(e));
                return CliOptions.BadInputExitCode;
            }

            await using (app)
            {
                var results = await new Preflight(app.Services).RunAsync(result =>
                {
                    output.WriteLine($"{(result.Skipped ? "–" : result.Ok ? "✓" : "✗")} {result.Name}: {result.Detail}");
                    if (!result.Ok && result.Fix is not null)
                        output.WriteLine($"    fix: {result.Fix}");
                }, cancellationToken);
                return results.All(r => r.Ok) ? 0 : 1;
            }
        });
        return command;
    }
}
