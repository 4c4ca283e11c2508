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
    public static Command Create()
    {
        var file = CliOptions.MessageFile();
        var sample = new Option<string?>("--sample")
        {
            Description = "Explain a built-in sample instead of a file.",
        };
        sample.AcceptOnlyFromAmong([.. SampleMessages.Names]);
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
            else if (!CliOptions.TryReadMessage(parse.GetValue(file)!, out body, out var readProblem))
                return Fail(error, readProblem!);
            return Run(body, options!, output, error);
        });
        return command;
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
