using System.CommandLine;
using Spectre.Console;

namespace SaltApiBridge.Demo;

/// <summary>
/// The demo (<c>dotnet run --project simulation/SaltApiBridge.Demo</c>): the whole bridge on this machine, against an
/// emulated AWS and a simulated Salt master.
/// </summary>
internal static class DemoCommandLine
{
    private const int BadInputExitCode = 2;

    public static Task<int> Main(string[] args) => RunAsync(args);

    /// <param name="output">Where the live view and summary go (the console by default; tests pass a writer).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var configuration = new InvocationConfiguration();
        if (output is not null)
            configuration.Output = output;
        if (error is not null)
            configuration.Error = error;
        var parsed = Create().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Bad input is exit 2 with one error: line per problem, as the daemon's commands report it.
            foreach (var problem in parsed.Errors)
                await configuration.Error.WriteLineAsync("error: " + problem.Message);
            return BadInputExitCode;
        }

        return await parsed.InvokeAsync(configuration);
    }

    private static RootCommand Create()
    {
        var instances = new Option<int>("--instances") { Description = "Instances in the scale-out (a quarter are then scaled in).", DefaultValueFactory = _ => 20 };
        var speed = new Option<double>("--speed") { Description = "How many times faster than real time Salt works.", DefaultValueFactory = _ => 30 };
        var masters = new Option<int?>("--masters") { Description = "Salt masters, hot/hot multi-master when more than one (1-3; as many as --replicas by default)." };
        var replicas = new Option<int>("--replicas") { Description = "Daemons sharing the queue and a DynamoDB table (dynalite), each next to a master of its own; with 2, one is killed mid-run (1-2).", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice (instance ids, durations, which highstate fails).", DefaultValueFactory = _ => 1 };
        var command = new RootCommand("Run the bridge locally: SQS/SNS emulator, simulated salt-api and Auto Scaling, a scale-out and a scale-in; exit 0 when every lifecycle action ended as expected.")
        {
            instances, speed, seed, masters, replicas,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            // Each replica runs next to a master of its own: --replicas 2 alone plays against two masters.
            var replicaCount = parse.GetValue(replicas);
            var settings = new DemoSettings(parse.GetValue(instances), parse.GetValue(speed), parse.GetValue(seed), parse.GetValue(masters) ?? replicaCount, replicaCount);
            return RunAsync(settings, parse.InvocationConfiguration, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(DemoSettings settings, InvocationConfiguration invocation, CancellationToken cancellationToken)
    {
        var error = invocation.Error;
        if (settings.Problem() is { } problem)
        {
            await error.WriteLineAsync("error: " + problem);
            return BadInputExitCode;
        }

        var output = invocation.Output;
        var terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            // Colours and cursor movement only on a terminal: a log file or a test gets plain text.
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // A pipe (CI, a log file) has no width: use a wide one rather than wrap every line at 80.
        if (!console.Profile.Capabilities.Interactive)
            console.Profile.Width = 120;
        var view = new DemoView(console, settings);
        try
        {
            var report = await new DemoRunner(settings, view.Say).RunAsync(view.PresentAsync, cancellationToken);
            view.Summary(report);
            return report.Passed ? 0 : 1;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("error: the demo was interrupted");
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException
            or HttpRequestException or System.Text.Json.JsonException or Amazon.Runtime.AmazonServiceException)
        {
            await error.WriteLineAsync("error: the demo could not run: " + e.Message);
            return 1;
        }
    }
}
