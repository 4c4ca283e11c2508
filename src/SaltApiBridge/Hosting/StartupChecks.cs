using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Hosting;

/// <summary>
/// The start-up checks that ask the network, run while the health listener already answers instead of delaying it:
/// the AWS credentials (none from any source within 15 s stops the daemon with exit code 3) and
/// <see cref="AutoScalingOptions.HeartbeatInterval"/> against the groups' lifecycle hooks (one too long for a hook
/// stops it with exit code 2; hooks that cannot be read within 15 s are checked per action instead). Until they
/// pass, <c>/readyz</c> says so and the worker does not poll. Configuration problems that need no network are found
/// before the start (<see cref="BridgeHost.ConfigurationProblems"/>).
/// </summary>
internal sealed class StartupChecks(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<StartupChecks> logger) : BackgroundService
{
    public const int NoCredentialsExitCode = BridgeWorker.QueueUnavailableExitCode;

    // Bounded: IMDS, STS, SSO or Auto Scaling that do not answer must not leave the daemon unready for long.
    internal static readonly TimeSpan CredentialsTimeout = TimeSpan.FromSeconds(15);
    internal static readonly TimeSpan HookCheckTimeout = TimeSpan.FromSeconds(15);

    private readonly TaskCompletionSource<bool> passed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What keeps the daemon from being ready: the checks still running, or why they failed; null once they passed.</summary>
    public string? Pending { get; private set; } = "start-up checks running (AWS credentials, lifecycle hooks)";

    /// <summary>Completes with true once every check passed, false when one failed or the daemon stopped first.</summary>
    public Task<bool> Passed => passed.Task;

    /// <summary>The exit code a failed check stopped the daemon with; null while none failed.</summary>
    public int? ExitCode { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The daemon's own first line: cheap, options only.
        var line = StartLine.Of(
            services.GetRequiredService<IOptions<QueueOptions>>().Value, services.GetRequiredService<IOptions<SaltApiOptions>>().Value,
            services.GetRequiredService<IOptions<BridgeOptions>>().Value, services.GetRequiredService<IOptions<PipelineOptions>>().Value,
            services.GetService<IOptions<CoordinationOptions>>()?.Value);
        HostingLog.Starting(logger, line.Version, line.Queue, line.Masters, line.Groups, line.Records);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start path: the host goes on starting (Kestrel listens) while this asks AWS.
        await Task.Yield();
        try
        {
            if (await CredentialsProblemAsync(stoppingToken) is { } credentials)
            {
                Fail(credentials, NoCredentialsExitCode);
                return;
            }

            var hooks = await HookProblemsAsync(stoppingToken);
            if (hooks.Count > 0)
            {
                foreach (var problem in hooks)
                    HostingLog.InvalidConfiguration(logger, problem);
                Fail(string.Join("; ", hooks), Cli.CliOptions.BadInputExitCode);
                return;
            }

            Pending = null;
            passed.TrySetResult(true);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            passed.TrySetResult(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        passed.TrySetResult(false);
    }

    private void Fail(string reason, int exitCode)
    {
        Pending = reason;
        HostingLog.CannotStart(logger, reason);
        ExitCode = exitCode;
        passed.TrySetResult(false);
        lifetime.StopApplication();
    }

    /// <summary>
    /// Resolves the AWS credentials once: null when found. A later failure, once they were found, is a transient
    /// retry (<see cref="DefaultChainCredentialsSource"/>), never an exit.
    /// </summary>
    private async Task<string?> CredentialsProblemAsync(CancellationToken stoppingToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        bounded.CancelAfter(CredentialsTimeout);
        try
        {
            await services.GetRequiredService<IAwsCredentialsSource>().GetCredentialsAsync(bounded.Token);
            return null;
        }
        catch (AutoScalingException e) when (!e.IsTransient)
        {
            return e.Message;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return $"no AWS credentials within {CredentialsTimeout.TotalSeconds:F0} s (is the instance metadata service, STS or SSO reachable?); " +
                DefaultChainCredentialsSource.HowToProvide;
        }
    }

    /// <summary>The hooks a configured heartbeat interval is too long for; none when AWS cannot tell within the bound.</summary>
    private async Task<IReadOnlyList<string>> HookProblemsAsync(CancellationToken stoppingToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        bounded.CancelAfter(HookCheckTimeout);
        try
        {
            return await services.GetRequiredService<HeartbeatIntervalCheck>().ProblemsAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            HostingLog.HookCheckTimedOut(logger, HookCheckTimeout);
            return [];
        }
    }
}
