using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Demo;
using SaltApiBridge.Hosting;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Cli;

/// <summary>
/// <c>saltapibridge replay FILE|-</c>: does for one captured message what the daemon would, through the same handler
/// and clients, printing every salt-api and Auto Scaling call (secrets masked). <c>--dry-run</c> sends them to an
/// in-process salt-api and Auto Scaling endpoint that answer as a healthy master and AWS would, so nothing real is touched.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var file = CliOptions.MessageFile();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the calls against simulated endpoints; touch nothing real.", Hidden = !SimulatorSupport.IsSupported };
        var config = CliOptions.Config();
        var command = new Command("replay", SimulatorSupport.IsSupported
            ? "Carry out one message's work now (or, with --dry-run, show the exact calls it would make)."
            : "Carry out one message's work now.")
        {
            file, dryRun, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!CliOptions.TryReadMessage(parse.GetValue(file)!, out var body, out var readProblem))
                return await FailAsync(error, readProblem!);
            var parsed = LifecycleMessageParser.Parse(body);
            if (!parsed.IsSuccess)
                return await FailAsync(error, parsed.RejectReason);

            var simulate = parse.GetValue(dryRun);
            if (simulate && !SimulatorSupport.IsSupported)
                return await FailAsync(error, "--dry-run: " + SimulatorSupport.Missing);
            // The switch once more, and the interface type, so the trimmer can see the simulators are unreachable in
            // the AOT build (calls through the concrete type would keep their code).
#pragma warning disable CA1859
            await using IDryRunEndpoints? simulated = simulate && SimulatorSupport.IsSupported ? new DryRunEndpoints() : null;
#pragma warning restore CA1859
            var calls = new ConcurrentQueue<RecordedCall>();
            Uri? saltApi = null;
            WebApplication app;
            try
            {
                app = Build(parse.GetValue(config), simulated, calls, call => Print(output, call, saltApi));
            }
            catch (Exception e) when (CliOptions.IsConfigurationError(e))
            {
                return await FailAsync(error, "cannot load configuration: " + e.Message);
            }

            await using (app)
            {
                saltApi = simulated is null ? null : new Uri(simulated.SaltApiUrl);
                // The queue is not used: only what the handler and its clients read must be valid.
                if (BridgeHost.ConfigurationProblems(app.Services, includeQueueAndHealth: false) is { Count: > 0 } problems)
                {
                    return await CliOptions.WriteConfigurationProblemsAsync(error, problems);
                }

                saltApi = new Uri(app.Services.GetRequiredService<IOptions<SaltApiOptions>>().Value.BaseUrl);
                var plan = app.Services.GetRequiredService<ActionPlanner>().Plan(parsed.Event);
                if (plan.Verdict == PlanVerdict.Reject)
                    return await FailAsync(error, plan.Reason!);
                if (plan.Verdict != PlanVerdict.Act)
                {
                    await output.WriteLineAsync($"nothing to call: {plan.Reason}");
                    return 0;
                }

                simulated?.Prepare(plan);
                await output.WriteLineAsync(simulate
                    ? $"dry run: {plan.Event.Kind} of {plan.Event.InstanceId} ({plan.MinionId}); salt-api and Auto Scaling are simulated and answer as a healthy master and AWS would"
                    : $"replaying {plan.Event.Kind} of {plan.Event.InstanceId} ({plan.MinionId})");
                // Like the daemon: never two workers on one instance (the daemon's lock, when Pipeline:LockDirectory is set).
                using var instanceLock = simulate ? null : app.Services.GetRequiredService<IInstanceLock>().TryAcquire(plan.MinionId!);
                if (!simulate && instanceLock is null)
                    return await FailAsync(error, $"another process is working on {plan.MinionId}; try again when it is done");
                var outcome = await app.Services.GetRequiredService<InstanceWorkHandler>().HandleAsync(plan, "replay-" + (parsed.Event.MessageId ?? "cli"), cancellationToken);

                // Logging out is part of the run: let it be printed before the verdict.
                await app.Services.GetRequiredService<SaltApiSession>().LogoutAsync(cancellationToken);
                await output.WriteLineAsync($"{(outcome.Disposition == MessageDisposition.Delete ? "done" : "not done")}: {outcome.Result} — {outcome.Summary}");
                if (simulate && outcome.Disposition == MessageDisposition.Delete && plan.Event.Kind is LifecycleEventKind.Launching or LifecycleEventKind.Terminating)
                    await output.WriteLineAsync("(a real run also sends heartbeats while Salt works, and may wait for the minion's key and its job)");
                return outcome.Disposition == MessageDisposition.Delete ? 0 : 1;
            }
        });
        return command;
    }

    private static WebApplication Build(
        FileInfo? configFile, IDryRunEndpoints? simulated, ConcurrentQueue<RecordedCall> calls, Action<RecordedCall> onCall)
    {
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "None" };
        if (simulated is not null)
        {
            // Only where the calls go and how long the bridge waits between polls change; the calls themselves do not.
            settings["SaltApi:BaseUrl"] = simulated.SaltApiUrl;
            settings["AutoScaling:ServiceUrl"] = simulated.AutoScalingUrl;
            foreach (var key in new[] { "SaltApi:KeyPollInterval", "SaltApi:ReachablePollInterval", "SaltApi:JobPollInterval", "Pipeline:StepRetryDelay" })
                settings[key] = TimeSpan.FromMilliseconds(10).ToString("c", CultureInfo.InvariantCulture);
        }

        return BridgeHost.Build(configFile, builder => builder.AddInMemoryCollection(settings), services =>
        {
            if (simulated is not null)
            {
                services.Replace(ServiceDescriptor.Singleton<IAwsCredentialsSource, DemoCredentials>());
                // A dry run must not read, write or delete the daemon's provisioning records.
                services.Replace(ServiceDescriptor.Singleton<IProvisioningRecords, InMemoryProvisioningRecords>());
            }
            services.ConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(
                handlers => handlers.AdditionalHandlers.Add(new RecordingHandler(calls, onCall))));
        });
    }

    private static void Print(TextWriter output, RecordedCall call, Uri? saltApi)
    {
        var salt = call.Uri.Authority == saltApi?.Authority;
        // The Query API has one path: name the action.
        var action = salt ? "" : call.Body.Split('&').FirstOrDefault(p => p.StartsWith("Action=", StringComparison.Ordinal))?["Action=".Length..];
        lock (output)
        {
            output.WriteLine($"{(salt ? "salt-api" : "Auto Scaling"),-12} {call.Method} {call.Uri.PathAndQuery}{(action is { Length: > 0 } ? $" {action}" : "")}{(call.Status is { } status ? $"  → {status}" : "  → no answer")}");
            foreach (var header in call.Headers)
                output.WriteLine("    " + header);
            if (call.Body.Length > 0)
                output.WriteLine("    " + call.Body);
        }
    }

    private static async Task<int> FailAsync(TextWriter error, string reason)
    {
        await error.WriteLineAsync("error: " + reason);
        return CliOptions.BadInputExitCode;
    }
}
