using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Coordination;

public static class CoordinationServiceCollectionExtensions
{
    /// <summary>
    /// The coordination store chosen by <c>Coordination:Store</c>: its leases, provisioning records and memory of
    /// finished work. File (the default) keeps today's one-host behaviour: records in <c>Pipeline:RecordDirectory</c>
    /// (else memory), leases as lock files in <c>Pipeline:LockDirectory</c> (else within the process).
    /// </summary>
    public static IServiceCollection AddCoordination(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CoordinationOptions>().Bind(configuration.GetSection(CoordinationOptions.SectionName)).ValidateWith<CoordinationOptions, CoordinationOptionsValidator>();
        services.TryAddSingleton<ILeases>(sp =>
        {
            var replica = sp.GetRequiredService<IOptions<CoordinationOptions>>().Value.EffectiveReplicaName;
            return sp.GetRequiredService<IOptions<PipelineOptions>>().Value.LockDirectory is { Length: > 0 } directory
                ? new FileLeases(directory, replica)
                : new ProcessLeases(replica);
        });
        // The status view's leases: the store's own listing when its leases can list themselves.
        services.TryAddSingleton<ILeaseListing>(sp => sp.GetRequiredService<ILeases>() as ILeaseListing ?? new UnlistedLeases());
        services.TryAddSingleton<IProvisioningRecords>(sp =>
            sp.GetRequiredService<IOptions<PipelineOptions>>().Value.RecordDirectory is { Length: > 0 } directory
                ? new FileProvisioningRecords(directory)
                : new InMemoryProvisioningRecords());
        services.TryAddSingleton<IFinishedWork>(sp =>
        {
            var pipeline = sp.GetRequiredService<IOptions<PipelineOptions>>().Value;
            return new LocalFinishedWork(new CompletedWork(pipeline.DeduplicationWindow, sp.GetRequiredService<TimeProvider>(), pipeline.DeduplicationCapacity));
        });
        return services;
    }
}
