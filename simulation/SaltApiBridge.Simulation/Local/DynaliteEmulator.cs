using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Simulation.Local;

/// <summary>
/// dynalite (tools/dynalite, Node: a DynamoDB implementation on LevelDB, real conditional writes and validation) on a
/// loopback port, for the tests, the demo and the bench (<see cref="NodeService"/>). Given a data directory it keeps
/// its tables across a stop and a start; without one it holds them in memory. It has no TTL API
/// (<see cref="TableSetup"/> creates its tables without TTL, and says so).
/// </summary>
internal sealed class DynaliteEmulator : IAsyncDisposable
{
    public const string Region = "us-east-1";

    private readonly NodeService service;

    private DynaliteEmulator(NodeService service) => this.service = service;

    public string Endpoint => service.Endpoint;

    /// <summary>tools/dynalite above the current directory or the binary, or null.</summary>
    public static string? FindDirectory() => NodeService.FindDirectory("dynalite");

    /// <summary>Installs the pinned dynalite when missing (npm ci), starts it and waits for its endpoint.</summary>
    /// <param name="port">0: any free loopback port.</param>
    /// <param name="dataDirectory">A directory for its LevelDB store, kept across restarts; null: in memory.</param>
    /// <param name="createTableDelay">How long a new table stays CREATING (dynalite's default: 500 ms).</param>
    public static async Task<DynaliteEmulator> StartAsync(
        string directory, Action<string>? progress, CancellationToken cancellationToken, int port = 0, string? dataDirectory = null, TimeSpan? createTableDelay = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["DYNALITE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["DYNALITE_PATH"] = dataDirectory ?? "",
        };
        if (createTableDelay is { } delay)
            environment["DYNALITE_CREATE_TABLE_MS"] = ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return new DynaliteEmulator(await NodeService.StartAsync(directory, "dynalite", environment, progress, cancellationToken));
    }

    /// <summary>The daemon's settings for a table here.</summary>
    public CoordinationOptions Options(string tableName, string replicaName, TimeSpan? leaseDuration = null) => new()
    {
        Store = CoordinationStoreKind.DynamoDb,
        TableName = tableName,
        Region = Region,
        ServiceUrl = Endpoint,
        ReplicaName = replicaName,
        LeaseDuration = leaseDuration ?? new CoordinationOptions().LeaseDuration,
    };

    /// <summary>The daemon's own client for a table here, with the demo's fixed credentials (dynalite checks none).</summary>
    public IAmazonDynamoDB CreateClient() =>
        DynamoDbClientFactory.Create(Options("unused", "unused"), new BasicAWSCredentials(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey));

    /// <summary>A table of the documented schema, through create-table's own code (which waits until it is ACTIVE).</summary>
    public async Task CreateTableAsync(string tableName, CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        using var usage = new CoordinationStoreUsage();
        var calls = new DynamoDbCaller(client, Options(tableName, "setup"), new DependencyOutages(TimeProvider.System, NullLogger<DependencyOutages>.Instance), usage);
        await new TableSetup(calls, TimeProvider.System).EnsureAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => service.DisposeAsync();
}
