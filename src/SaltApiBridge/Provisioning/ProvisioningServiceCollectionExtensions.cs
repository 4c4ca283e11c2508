using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.Provisioning.Gate;

namespace SaltApiBridge.Provisioning;

public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>The per-instance work: the handler and the pieces it is made of (the Salt and AWS clients come from elsewhere).</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services)
    {
        services.TryAddSingleton<AcceptGate>();
        services.TryAddSingleton<RecordKeeper>();
        services.TryAddSingleton<StepAttempts>();
        services.TryAddSingleton<JobMasters>();
        services.TryAddSingleton<BridgeEvents>();
        services.TryAddSingleton<StateJobRunner>();
        services.TryAddSingleton<ActionCompletion>();
        services.TryAddSingleton<LaunchWork>();
        services.TryAddSingleton<TerminateWork>();
        services.TryAddSingleton<KeyDeletion>();
        services.TryAddSingleton<InstanceWorkHandler>();
        return services;
    }
}
