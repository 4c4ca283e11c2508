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
    private static readonly TimeSpan HookCheckTimeout = TimeSpan.FromSeconds(15);

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
            catch (Exception e) when (CliOptions.IsConfigurationError(e))
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
                    using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    // Best effort, and bounded: an AWS outage must not hold the start past systemd's start timeout.
                    bounded.CancelAfter(HookCheckTimeout);
                    try
                    {
                        if (heartbeatCheck is not null)
                            problems = await heartbeatCheck.ProblemsAsync(bounded.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        await error.WriteLineAsync($"warning: the lifecycle hooks could not be read within {HookCheckTimeout.TotalSeconds:F0} s; AutoScaling:HeartbeatInterval is checked per action instead");
                    }
                }
                if (problems.Count > 0)
                {
                    return await CliOptions.WriteConfigurationProblemsAsync(error, problems);
                }

                try
                {
                    // Taken before the run: RunAsync disposes the host, and its services with it.
                    var backgroundServices = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
                    await app.RunAsync();
                    // On .NET 10 a background service that fails stops the host without an error: say so, and exit 1
                    // so that systemd's Restart=on-failure brings the bridge back.
                    if (backgroundServices.Any(s => s.ExecuteTask is { IsFaulted: true }))
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
}
