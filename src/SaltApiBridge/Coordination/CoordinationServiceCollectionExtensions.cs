using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination.DynamoDb;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Hosting;
using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Coordination;

public static class CoordinationServiceCollectionExtensions
{
    /// <summary>
    /// The coordination store chosen by <c>Coordination:Store</c>: its leases, provisioning records and memory of
    /// finished work. File (the default) keeps today's one-host behaviour: records in <c>Pipeline:RecordDirectory</c>
    /// (else memory), leases as lock files in <c>Pipeline:LockDirectory</c> (else within the process). DynamoDb keeps
    /// all three in the table <c>Coordination:TableName</c> (<see cref="CoordinationTable"/>), shared by replicas on
    /// several hosts; the daemon never creates it (<c>saltapibridge create-table</c> does).
    /// </summary>
    public static IServiceCollection AddCoordination(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CoordinationOptions>().Bind(configuration.GetSection(CoordinationOptions.SectionName)).ValidateWith<CoordinationOptions, CoordinationOptionsValidator>();
        services.TryAddSingleton<ILeases>(sp =>
        {
            if (IsDynamoDb(sp))
                return new DynamoDbLeases(sp.GetRequiredService<DynamoDbCaller>(), Options(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DynamoDbLeases>>());
            var replica = Options(sp).EffectiveReplicaName;
            return sp.GetRequiredService<IOptions<PipelineOptions>>().Value.LockDirectory is { Length: > 0 } directory
                ? new FileLeases(directory, replica)
                : new ProcessLeases(replica);
        });
        // The status view's leases: the store's own listing when its leases can list themselves.
        services.TryAddSingleton<ILeaseListing>(sp => sp.GetRequiredService<ILeases>() as ILeaseListing ?? new UnlistedLeases());
        services.TryAddSingleton<IProvisioningRecords>(sp =>
            IsDynamoDb(sp) ? new DynamoDbProvisioningRecords(sp.GetRequiredService<DynamoDbCaller>(), sp.GetRequiredService<TimeProvider>())
            : sp.GetRequiredService<IOptions<PipelineOptions>>().Value.RecordDirectory is { Length: > 0 } directory ? new FileProvisioningRecords(directory)
            : new InMemoryProvisioningRecords());
        services.TryAddSingleton<IFinishedWork>(sp =>
        {
            var pipeline = sp.GetRequiredService<IOptions<PipelineOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var local = new CompletedWork(pipeline.DeduplicationWindow, time, pipeline.DeduplicationCapacity);
            return IsDynamoDb(sp)
                ? new DynamoDbFinishedWork(sp.GetRequiredService<DynamoDbCaller>(), local, pipeline.DeduplicationWindow, time)
                : new LocalFinishedWork(local);
        });

        // The DynamoDB store's pieces, resolved only when Coordination:Store is DynamoDb.
        services.TryAddSingleton<CoordinationStoreUsage>();
        services.TryAddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(Options(sp)));
        services.TryAddSingleton(sp => new DynamoDbCaller(
            sp.GetRequiredService<IAmazonDynamoDB>(), Options(sp), sp.GetRequiredService<DependencyOutages>(), sp.GetRequiredService<CoordinationStoreUsage>()));
        services.TryAddSingleton(sp => new TableSetup(sp.GetRequiredService<DynamoDbCaller>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new DynamoDbTableCheck(
            sp.GetRequiredService<DynamoDbCaller>(), sp.GetRequiredService<TableSetup>(), Options(sp), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static CoordinationOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<CoordinationOptions>>().Value;

    private static bool IsDynamoDb(IServiceProvider services) => Options(services).Store == CoordinationStoreKind.DynamoDb;
}
