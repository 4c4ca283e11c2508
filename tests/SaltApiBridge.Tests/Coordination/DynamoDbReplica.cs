using Amazon.DynamoDBv2;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Hosting;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>
/// One replica's DynamoDB store against dynalite, as the daemon builds it: its own client, caller, outage tracker,
/// usage counts, leases, records and finished work, on its own clock (a replica whose clock stands still is a dead
/// one: its timers never fire, so it never renews).
/// </summary>
internal sealed class DynamoDbReplica : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(30);

    private readonly IAmazonDynamoDB client;

    public DynamoDbReplica(DynaliteServer dynalite, string table, string name, TimeProvider time, TimeSpan? leaseDuration = null, ILoggerFactory? logs = null)
    {
        var loggers = logs ?? NullLoggerFactory.Instance;
        Options = dynalite.Options(table, name, leaseDuration);
        client = dynalite.CreateClient();
        Outages = new DependencyOutages(time, loggers.CreateLogger<DependencyOutages>());
        Calls = new DynamoDbCaller(client, Options, Outages, Usage);
        Leases = new DynamoDbLeases(Calls, Options, time, loggers.CreateLogger<DynamoDbLeases>());
        Records = new DynamoDbProvisioningRecords(Calls, time);
        FinishedWork = new DynamoDbFinishedWork(Calls, new CompletedWork(Window, time), Window, time);
    }

    public CoordinationOptions Options { get; }

    public CoordinationStoreUsage Usage { get; } = new();

    public DependencyOutages Outages { get; }

    public DynamoDbCaller Calls { get; }

    public DynamoDbLeases Leases { get; }

    public DynamoDbProvisioningRecords Records { get; }

    public DynamoDbFinishedWork FinishedWork { get; }

    public void Dispose()
    {
        client.Dispose();
        Usage.Dispose();
    }
}
