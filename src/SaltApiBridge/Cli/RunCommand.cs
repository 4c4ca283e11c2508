using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Cli;

/// <summary><c>saltapibridge run</c>: the daemon.</summary>
public static class RunCommand
{
    private static readonly TimeSpan HookCheckTimeout = TimeSpan.FromSeconds(15);

    // Bounded like the hooks' check: IMDS, STS or SSO that do not answer must not hold the start past systemd's timeout.
    private static readonly TimeSpan CredentialsCheckTimeout = TimeSpan.FromSeconds(15);

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
                app = BridgeHost.Build(parse.GetValue(config), configureServices: configureServices);
            }
            catch (Exception e) when (CliOptions.IsConfigurationError(e))
            {
                await error.WriteLineAsync("error: cannot load configuration: " + CliOptions.DescribeConfigurationError(e));
                return CliOptions.BadInputExitCode;
            }

            await using (app)
            {
                var problems = BridgeHost.ConfigurationProblems(app.Services);
                if (problems.Count == 0 && await CredentialsProblemAsync(app.Services, cancellationToken) is { } credentialsProblem)
                {
                    // Without credentials nothing can work: say so at once instead of retrying every poll.
                    await error.WriteLineAsync("error: " + credentialsProblem);
                    return BridgeWorker.QueueUnavailableExitCode;
                }

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

    /// <summary>
    /// Resolves the AWS credentials once: null when found. A later failure, once they were found, is a transient
    /// retry (<see cref="AutoScaling.DefaultChainCredentialsSource"/>), never an exit.
    /// </summary>
    private static async Task<string?> CredentialsProblemAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(CredentialsCheckTimeout);
        try
        {
            await services.GetRequiredService<IAwsCredentialsSource>().GetCredentialsAsync(bounded.Token);
            return null;
        }
        catch (AutoScalingException e) when (!e.IsTransient)
        {
            return e.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no AWS credentials within {CredentialsCheckTimeout.TotalSeconds:F0} s (is the instance metadata service, STS or SSO reachable?); " +
                "give the master's instance an IAM role, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the service's environment";
        }
    }
}
