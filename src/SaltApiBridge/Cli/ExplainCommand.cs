using System.CommandLine;
using System.Text.Json;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Cli;

/// <summary>
/// <c>saltapibridge explain [FILE|-]</c>: what the bridge would make of one message — the normalised event, the
/// minion id and the planned steps — without calling anything.
/// </summary>
public static class ExplainCommand
{
    /// <param name="inputIsTerminal">Whether standard input is a terminal (tests); by default, the console's.</param>
    public static Command Create(Func<bool>? inputIsTerminal = null)
    {
        inputIsTerminal ??= () => !Console.IsInputRedirected;
        var file = CliOptions.MessageFile();
        var sample = CliOptions.Sample("Explain a built-in sample instead of a file.");
        var config = CliOptions.Config();

        var command = new Command("explain", "Show the normalised event, minion id and planned actions for one message.")
        {
            file, sample, config,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!CliOptions.TryLoadBridgeOptions(parse.GetValue(config), out var options, out var configProblem))
                return Fail(error, configProblem!);
            string body;
            var sampleName = parse.GetValue(sample);
            if (sampleName is not null)
                body = SampleMessages.ByName(sampleName)!;
            else if (parse.GetResult(file) is null or { Implicit: true } && inputIsTerminal())
                // Nothing named and nothing piped in: waiting for typed JSON would look like a hang.
                return CliOptions.NoMessageUsage(error, "explain");
            else if (!TryReadMessage(parse.GetValue(file)!, out body, out var readProblem))
                return Fail(error, readProblem!);
            return Run(body, options!, output, error);
        });
        return command;
    }

    /// <summary>Reads the message from a file or standard input ('-'); a directory is named as such.</summary>
    public static bool TryReadMessage(string file, out string body, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file != "-" && Directory.Exists(file))
        {
            body = "";
            problem = $"{file} is a directory, not a message file";
            return false;
        }

        return CliOptions.TryReadMessage(file, out body, out problem);
    }

    /// <summary>Exit 0 with the explanation on <paramref name="output"/>, or 2 with one <c>error:</c> line.</summary>
    public static int Run(string body, BridgeOptions options, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        var parsed = LifecycleMessageParser.Parse(body);
        if (!parsed.IsSuccess)
            return Fail(error, parsed.RejectReason);

        var plan = new ActionPlanner(options).Plan(parsed.Event);
        if (plan.Verdict == PlanVerdict.Reject)
            return Fail(error, plan.Reason!);

        output.WriteLine(JsonSerializer.Serialize(
            new Explanation(parsed.Event, plan.MinionId, plan.Verdict, plan.Reason, plan.Steps), ExplainJsonContext.Default.Explanation));
        return 0;
    }


    private static int Fail(TextWriter error, string reason)
    {
        error.WriteLine("error: " + reason);
        return CliOptions.BadInputExitCode;
    }
}
