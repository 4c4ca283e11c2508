using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
                var problems = BridgeHost.ConfigurationProblems(app.Services);
                if (problems.Count == 0)
                {
                    // The hooks' check asks AWS; run it here too, so its verdict is a clean error line, not a host
                    // failure. Only with valid options: building the hosted services reads them.
                    var heartbeatCheck = app.Services.GetServices<IHostedService>().OfType<HeartbeatIntervalCheck>().FirstOrDefault();
                    if (heartbeatCheck is not null)
                        problems = await heartbeatCheck.ProblemsAsync(cancellationToken);
                }
                if (problems.Count > 0)
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
