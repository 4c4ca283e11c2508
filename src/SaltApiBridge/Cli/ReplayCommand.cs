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
using SaltApiBridge.Cli.DryRun;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Hosting;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Cli;

/// <summary>
/// <c>saltapibridge replay FILE|-</c>: does for one captured message what the daemon would, through the same handler
/// and clients, printing every salt-api and Auto Scaling call (secrets masked). <c>--dry-run</c> answers them in
/// process (<see cref="DryRunHandler"/>) as a healthy master and AWS would, so nothing real is touched and no
/// credentials are needed.
/// </summary>
public static class ReplayCommand
{
    /// <param name="inputIsTerminal">Whether standard input is a terminal (tests); by default, the console's.</param>
    public static Command Create(Func<bool>? inputIsTerminal = null)
    {
        inputIsTerminal ??= () => !Console.IsInputRedirected;
        var file = CliOptions.MessageFile();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the calls, answered in process as a healthy master and AWS would; touch nothing real." };
        var sample = CliOptions.Sample("With --dry-run: replay a built-in sample instead of a file.");
        var config = CliOptions.Config();
        var command = new Command("replay", "Carry out one message's work now (or, with --dry-run, show the exact calls it would make).")
        {
            file, dryRun, sample, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var simulate = parse.GetValue(dryRun);
            string body;
            if (parse.GetValue(sample) is { } sampleName)
            {
                // A sample names a made-up instance: acting on it for real would touch a real master and AWS for nothing.
                if (!simulate)
                    return await FailAsync(error, "--sample only goes with --dry-run: a sample's instance does not exist");
                body = SampleMessages.ByName(sampleName)!;
            }
            else if (parse.GetResult(file) is null or { Implicit: true } && inputIsTerminal())
            {
                return CliOptions.NoMessageUsage(error, "replay", simulate ? "--dry-run" : "", sampleFlags: "--dry-run");
            }
            else if (!CliOptions.TryReadMessage(parse.GetValue(file)!, out body, out var readProblem))
            {
                return await FailAsync(error, readProblem!);
            }

            var parsed = LifecycleMessageParser.Parse(body);
            if (!parsed.IsSuccess)
                return await FailAsync(error, parsed.RejectReason);

            var calls = new ConcurrentQueue<RecordedCall>();
            Uri? saltApi = null;
            using var answers = simulate ? new DryRunHandler(TimeProvider.System) : null;
            WebApplication app;
            try
            {
                app = Build(parse.GetValue(config), answers, calls, call => Print(output, call, saltApi));
            }
            catch (Exception e) when (CliOptions.IsConfigurationError(e))
            {
                return await FailAsync(error, "cannot load configuration: " + e.Message);
            }

            await using (app)
            {
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

                if (answers is not null)
                {
                    answers.SaltApi = saltApi;
                    answers.Prepare(plan);
                }

                await output.WriteLineAsync(simulate
                    ? $"dry run: {plan.Event.Kind} of {plan.Event.InstanceId} ({plan.MinionId}); salt-api and Auto Scaling are simulated and answer as a healthy master and AWS would"
                    : $"replaying {plan.Event.Kind} of {plan.Event.InstanceId} ({plan.MinionId})");
                // Like the daemon: never two workers on one instance (the daemon's lock, when Pipeline:LockDirectory is set).
                await using var instanceLock = simulate ? null : await app.Services.GetRequiredService<ILeases>().TryAcquireAsync(LeaseKey.Instance(plan.MinionId!), cancellationToken);
                if (!simulate && instanceLock is null)
                    return await FailAsync(error, $"another process is working on {plan.MinionId}; try again when it is done");
                var outcome = await app.Services.GetRequiredService<InstanceWorkHandler>().HandleAsync(plan, new WorkRequest("replay-" + (parsed.Event.MessageId ?? "cli")), cancellationToken);

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
        FileInfo? configFile, DryRunHandler? answers, ConcurrentQueue<RecordedCall> calls, Action<RecordedCall> onCall)
    {
        var settings = new Dictionary<string, string?>(BridgeLogging.Silenced);
        var simulate = answers is not null;
        if (simulate)
        {
            // How long the bridge waits between polls changes; the calls themselves do not.
            foreach (var key in new[] { "SaltApi:KeyPollInterval", "SaltApi:ReachablePollInterval", "SaltApi:JobPollInterval", "Pipeline:StepRetryDelay" })
                settings[key] = TimeSpan.FromMilliseconds(10).ToString("c", CultureInfo.InvariantCulture);
            // Nothing is sent anywhere: no password (file) is read, and what the configuration leaves out gets a stand-in.
            settings["SaltApi:Password"] = "dry-run";
            settings["SaltApi:PasswordFile"] = "";
            var configured = new ConfigurationBuilder().AddBridgeConfiguration(configFile).Build();
            foreach (var (key, standIn) in DryRunStandIns)
            {
                if (string.IsNullOrWhiteSpace(configured[key]))
                    settings[key] = standIn;
            }
        }

        return BridgeHost.Build(configFile, builder => builder.AddInMemoryCollection(settings), services =>
        {
            if (simulate)
            {
                services.Replace(ServiceDescriptor.Singleton<IAwsCredentialsSource>(new FixedCredentials("AKIDDRYRUN", "dry-run-secret-key")));
                // A dry run must not read, write or delete the daemon's provisioning records, nor take its locks.
                services.Replace(ServiceDescriptor.Singleton<IProvisioningRecords, InMemoryProvisioningRecords>());
                services.Replace(ServiceDescriptor.Singleton<ILeases, ProcessLeases>());
            }

            services.ConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(handlers =>
            {
                handlers.AdditionalHandlers.Add(new RecordingHandler(calls, onCall));
                if (answers is not null)
                    handlers.PrimaryHandler = answers;
            }));
        });
    }

    /// <summary>What a dry run fills in when the configuration leaves it out (it only shows in the printed calls).</summary>
    private static readonly (string Key, string StandIn)[] DryRunStandIns =
    [
        ("SaltApi:Username", "saltapibridge"),
        ("AutoScaling:Region", "us-east-1"),
    ];

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
