using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Cli;

/// <summary>
/// <c>saltapibridge create-table</c>: the DynamoDB coordination table (<c>Coordination:TableName</c>) with the documented
/// schema (<see cref="CoordinationTable"/>), on-demand billing and TTL on <c>expiresAt</c>, ACTIVE when it returns. The
/// daemon never creates AWS resources; this is the operator's one step. Idempotent: a table of the right schema is
/// left as it is. Exit 0 when the table is there with the right schema, 2 on bad configuration or when a table of that
/// name has another schema (one line saying what differs; it is never changed), 3 when AWS cannot be used (no
/// credentials, access denied, unreachable).
/// </summary>
public static class CreateTableCommand
{
    public const int AwsUnavailableExitCode = 3;

    /// <param name="configureServices">Service overrides applied last (tests).</param>
    public static Command Create(Action<IServiceCollection>? configureServices = null)
    {
        var config = CliOptions.Config();
        var command = new Command("create-table", "Create the DynamoDB coordination table (Coordination:TableName) with its indexes and TTL and wait until it is ACTIVE; exit 0 when it exists with the right schema.")
        {
            config,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(config), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, configureServices, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        FileInfo? configFile, TextWriter output, TextWriter error, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        if (!CliOptions.TryLoadConfiguration(configFile, out var configuration, out var invalid, out var unreadable))
        {
            await error.WriteLineAsync("error: " + unreadable);
            return CliOptions.BadInputExitCode;
        }

        var services = new ServiceCollection().AddLogging().AddSingleton(configuration).AddSingleton(invalid);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DependencyOutages>();
        services.AddCoordination(configuration);
        configureServices?.Invoke(services);
        await using var provider = services.BuildServiceProvider();
        // Only the Coordination section matters here: the rest of the daemon's settings may still be unwritten.
        var problems = new List<string>();
        BridgeHost.Check<CoordinationOptions>(provider, CoordinationOptions.SectionName, problems);
        if (problems.Count == 0 && string.IsNullOrWhiteSpace(provider.GetRequiredService<IOptions<CoordinationOptions>>().Value.TableName))
            problems.Add("Coordination:TableName is required: the name of the table to create");
        if (problems.Count > 0)
            return await CliOptions.WriteConfigurationProblemsAsync(error, problems);

        var calls = provider.GetRequiredService<DynamoDbCaller>();
        TableSetupResult result;
        try
        {
            result = await provider.GetRequiredService<TableSetup>().EnsureAsync(cancellationToken);
        }
        catch (CoordinationStoreException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return AwsUnavailableExitCode;
        }

        if (result.Outcome == TableSetupOutcome.OtherSchema)
        {
            await error.WriteLineAsync($"error: table {calls.TableName} exists with another schema ({string.Join("; ", result.Differences)}); it was left as it is: set Coordination:TableName to another name");
            return CliOptions.BadInputExitCode;
        }

        await output.WriteLineAsync(result.Outcome == TableSetupOutcome.Created
            ? $"created table {calls.TableName} at {calls.Endpoint} (key pk; indexes {CoordinationTable.InProgressIndex} and {CoordinationTable.OwedIndex}; on-demand billing): ACTIVE"
            : $"table {calls.TableName} at {calls.Endpoint} already has the documented schema: left as it is");
        await output.WriteLineAsync(result.TimeToLive == true
            ? $"TTL on {CoordinationTable.ExpiresAt}: DynamoDB deletes finished work after Pipeline:DeduplicationWindow"
            : $"TTL: {calls.Endpoint} has no TTL API (an emulator): finished work is ignored after its window, but not deleted");
        return 0;
    }
}
