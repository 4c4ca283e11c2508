using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Cli;

/// <summary><c>saltapibridge run</c>: the daemon.</summary>
public static class RunCommand
{
    /// <param name="configureServices">Service overrides applied last (tests).</param>
    public static Command Create(Action<IServiceCollection>? configureServices = null)
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
                app = BridgeHost.Build(parse.GetValue(config), configureServices: services =>
                {
                    AddProcessServices(services);
                    configureServices?.Invoke(services);
                });
            }
            catch (Exception e) when (CliOptions.IsConfigurationError(e))
            {
                await error.WriteLineAsync("error: cannot load configuration: " + CliOptions.DescribeConfigurationError(e));
                return CliOptions.BadInputExitCode;
            }

            await using (app)
            {
                // Only what needs no network stops the start here; the checks that ask AWS run once the health listener
                // answers (StartupChecks), report through /readyz and the log, and stop the daemon when they fail.
                var problems = BridgeHost.ConfigurationProblems(app.Services);
                if (problems.Count > 0)
                {
                    return await CliOptions.WriteConfigurationProblemsAsync(error, problems);
                }

                try
                {
                    // Taken before the run (RunAsync disposes the host, and its services with it); both are cheap to build,
                    // unlike the services themselves, which start once the health listener answers.
                    var startupChecks = app.Services.GetRequiredService<StartupChecks>();
                    var afterServerStart = app.Services.GetRequiredService<AfterServerStart>();
                    await app.RunAsync();
                    // A start-up check that failed has logged why: no credentials (3), a hook the interval cannot serve (2).
                    if (startupChecks.ExitCode is { } checkFailed)
                        return checkFailed;
                    // On .NET 10 a background service that fails stops the host without an error: say so, and exit 1
                    // so that systemd's Restart=on-failure brings the bridge back.
                    if (afterServerStart.ServiceFailed)
                    {
                        await error.WriteLineAsync("error: the daemon stopped on an unexpected failure (see the log)");
                        return 1;
                    }
                }
                catch (OptionsValidationException e)
                {
                    return await CliOptions.WriteConfigurationProblemsAsync(error, e.Failures);
                }
            }

            return Environment.ExitCode;
        });
        return command;
    }

    /// <summary>What only the daemon's own process has: it gives a burst's memory back once the burst is over.</summary>
    internal static void AddProcessServices(IServiceCollection services)
    {
        services.AddSingleton<IManagedHeap, GcHeap>();
        services.AddHostedService<HeapTrimmer>();
    }
}
