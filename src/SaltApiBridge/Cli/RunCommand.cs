using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Cli;

/// <summary><c>saltapibridge run</c>: the daemon.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var config = CliOptions.Config();
        var command = new Command("run", "Run the daemon: poll the queue, provision and clean instances through salt-api, complete their lifecycle actions.")
        {
            config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            WebApplication app;
            try
            {
                app = BridgeHost.Build(parse.GetValue(config));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or InvalidOperationException)
            {
                await error.WriteLineAsync("error: cannot load configuration: " + e.Message);
                return CliOptions.BadInputExitCode;
            }

            await using (app)
            {
                if (BridgeHost.ConfigurationProblems(app.Services) is { Count: > 0 } problems)
                {
                    await error.WriteLineAsync("error: invalid configuration:");
                    foreach (var problem in problems)
                        await error.WriteLineAsync("  - " + problem);
                    return CliOptions.BadInputExitCode;
                }

                try
                {
                    await app.RunAsync();
                }
                catch (OptionsValidationException e)
                {
                    await error.WriteLineAsync("error: invalid configuration:");
                    foreach (var failure in e.Failures)
                        await error.WriteLineAsync("  - " + failure);
                    return CliOptions.BadInputExitCode;
                }
            }

            return Environment.ExitCode;
        });
        return command;
    }
}
