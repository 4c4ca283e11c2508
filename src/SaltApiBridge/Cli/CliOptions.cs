using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SaltApiBridge.Hosting;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Cli;

/// <summary>Options and configuration loading shared by the commands.</summary>
public static class CliOptions
{
    /// <summary>Bad input or configuration: the operator must fix something.</summary>
    public const int BadInputExitCode = 2;

    public const string EnvironmentPrefix = "SALTAPIBRIDGE_";

    public static Option<FileInfo?> Config() => new("--config")
    {
        Description = "A JSON configuration file, read after appsettings.json and before SALTAPIBRIDGE_* environment variables.",
    };

    /// <summary>The message a command works on: a file, or '-' for standard input.</summary>
    public static Argument<string> MessageFile() => new("file")
    {
        Description = "A message body, or a whole SQS message JSON with its Body; '-' reads standard input.",
        Arity = ArgumentArity.ZeroOrOne,
        DefaultValueFactory = _ => "-",
    };

    /// <summary><c>--sample NAME</c>: one of <see cref="SampleMessages.Names"/> instead of a message file.</summary>
    public static Option<string?> Sample(string description)
    {
        var sample = new Option<string?>("--sample") { Description = description };
        sample.AcceptOnlyFromAmong([.. SampleMessages.Names]);
        return sample;
    }

    /// <summary>
    /// What to give a command that reads one message (<paramref name="command"/>, with <paramref name="flags"/>; a
    /// sample with <paramref name="sampleFlags"/>), when it was given nothing and standard input is a terminal: waiting
    /// for typed JSON would look like a hang. Exit 2.
    /// </summary>
    public static int NoMessageUsage(TextWriter error, string command, string flags = "", string sampleFlags = "")
    {
        ArgumentNullException.ThrowIfNull(error);
        static string Invocation(string command, string flags) => $"saltapibridge {command}{(flags.Length > 0 ? " " + flags : "")}";
        error.WriteLine($"error: no message to {command}; give a file, pipe one in, or name a sample:");
        error.WriteLine($"  {Invocation(command, flags)} message.json");
        error.WriteLine($"  aws sqs receive-message --queue-url … --query 'Messages[0]' | {Invocation(command, flags)} -");
        error.WriteLine($"  {Invocation(command, sampleFlags)} --sample {SampleMessages.Names[0]}    ({string.Join(", ", SampleMessages.Names)})");
        return BadInputExitCode;
    }

    /// <summary>Reads the message, or says in <paramref name="problem"/> why it cannot.</summary>
    public static bool TryReadMessage(string file, out string body, out string? problem)
    {
        problem = null;
        body = "";
        try
        {
            body = file == "-" ? Console.In.ReadToEnd() : File.ReadAllText(file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"cannot read {file}: {e.Message}";
            return false;
        }
    }

    /// <summary>What loading configuration throws for the operator to fix: a missing or unreadable file, bad JSON, a value that does not bind.</summary>
    public static bool IsConfigurationError(Exception e) =>
        e is IOException or InvalidDataException or FormatException or InvalidOperationException;

    /// <summary>
    /// What is wrong with a configuration file, for the operator: for JSON that does not parse, the file, line and
    /// position (1-based) and the reason (the loader alone says only "Failed to load configuration from file").
    /// </summary>
    public static string DescribeConfigurationError(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is not InvalidDataException { InnerException: { } inner })
            return e.Message;
        // "Failed to load configuration from file '/etc/saltapibridge/appsettings.json'."
        var first = e.Message.IndexOf('\'', StringComparison.Ordinal);
        var last = e.Message.LastIndexOf('\'');
        var file = first >= 0 && last > first ? e.Message[(first + 1)..last] : "the configuration file";
        // The JSON provider wraps the reader's JsonException in a FormatException ("Could not parse the JSON file").
        var cause = inner;
        while (cause is not JsonException && cause.InnerException is not null)
            cause = cause.InnerException;
        if (cause is JsonException { LineNumber: { } line } json)
        {
            // The reader appends "LineNumber: 6 | BytePositionInLine: 11." (0-based): said once, 1-based, in front.
            var reason = json.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
                reason = reason[..cut];
            return $"{file}: line {line + 1}, position {json.BytePositionInLine + 1}: {reason.Trim()}";
        }

        return $"{file}: {inner.Message}";
    }

    /// <summary>Every configuration problem, one line each, under one <c>error:</c> line; the exit code for it.</summary>
    public static async Task<int> WriteConfigurationProblemsAsync(TextWriter error, IEnumerable<string> problems)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(problems);
        await error.WriteLineAsync("error: invalid configuration:");
        foreach (var problem in problems)
            await error.WriteLineAsync("  - " + problem);
        return BadInputExitCode;
    }

    /// <summary>The configuration sources every command uses, in order of precedence (last wins).</summary>
    public static IConfigurationBuilder AddBridgeConfiguration(this IConfigurationBuilder builder, FileInfo? configFile)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true);
        if (configFile is not null)
            builder.AddJsonFile(configFile.FullName, optional: false);
        return builder.AddEnvironmentVariables(EnvironmentPrefix);
    }

    /// <summary>
    /// The configuration a one-shot command reads, with values of the wrong type taken out and listed in
    /// <paramref name="invalid"/> (so each section still binds and shows its other problems); false, with
    /// <paramref name="problem"/> in words, when a source cannot be read.
    /// </summary>
    public static bool TryLoadConfiguration(FileInfo? configFile, out IConfiguration configuration, out InvalidSettings invalid, out string? problem)
    {
        problem = null;
        try
        {
            var builder = new ConfigurationBuilder().AddBridgeConfiguration(configFile);
            invalid = new InvalidSettings(SettingValues.Find(builder.Build()));
            configuration = builder.HideInvalid(invalid.Settings).Build();
            return true;
        }
        catch (Exception e) when (IsConfigurationError(e))
        {
            configuration = new ConfigurationBuilder().Build();
            invalid = new InvalidSettings([]);
            problem = "cannot load configuration: " + DescribeConfigurationError(e);
            return false;
        }
    }

    public static bool TryLoadBridgeOptions(FileInfo? configFile, out BridgeOptions? options, out string? problem)
    {
        options = null;
        problem = null;
        try
        {
            var builder = new ConfigurationBuilder().AddBridgeConfiguration(configFile);
            var invalid = SettingValues.Find(builder.Build())
                .Where(setting => setting.Key.StartsWith(BridgeOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase))
                .ToList();
            var configuration = builder.HideInvalid(invalid).Build();
            var bound = new BridgeOptions();
            configuration.GetSection(BridgeOptions.SectionName).Bind(bound);
            var result = new BridgeOptionsValidator().Validate(null, bound);
            var failures = invalid.Select(setting => setting.Problem).Concat(result.Failed ? result.Failures : []).ToList();
            if (failures.Count > 0)
            {
                problem = "invalid configuration: " + string.Join("; ", failures);
                return false;
            }

            options = bound;
            return true;
        }
        catch (Exception e) when (IsConfigurationError(e))
        {
            problem = $"cannot load configuration: {DescribeConfigurationError(e)}";
            return false;
        }
    }
}
