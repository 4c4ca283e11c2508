using System.Reactive.Concurrency;
using Amazon;
using Amazon.SQS;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Provisioning;
using SaltApiBridge.Provisioning.OwedKeys;
using SaltApiBridge.Queue;
using SaltApiBridge.Reconcile;
using SaltApiBridge.Salt;
using SaltApiBridge.Status;
using SaltApiBridge.Telemetry;

namespace SaltApiBridge.Hosting;

public static class BridgeServiceCollectionExtensions
{
    /// <summary>Everything the daemon runs on: options (validated at start), both clients, the queue and the pipeline.</summary>
    public static IServiceCollection AddSaltApiBridge(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddFleetReconcile(configuration);
        services.TryAddSingleton<IScheduler>(DefaultScheduler.Instance);
        services.AddOptions<QueueOptions>().Bind(configuration.GetSection(QueueOptions.SectionName)).ValidateWith<QueueOptions, QueueOptionsValidator>();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName)).ValidateWith<HealthOptions, HealthOptionsValidator>();

        services.TryAddSingleton<IAmazonSQS>(sp => CreateSqsClient(sp.GetRequiredService<IOptions<QueueOptions>>().Value));
        services.TryAddSingleton<SqsMessageQueue>();
        services.TryAddSingleton<IMessageQueue>(sp => sp.GetRequiredService<SqsMessageQueue>());
        services.TryAddSingleton<QueueDepthMonitor>();
        services.TryAddSingleton(sp => new ActionPlanner(sp.GetRequiredService<IOptions<BridgeOptions>>().Value));
        services.TryAddSingleton<BridgeMetrics>();
        services.AddHostedService<BuildInfo>();
        services.AddProvisioning();
        services.TryAddSingleton<WorkBoard>();
        services.TryAddSingleton<InstanceTurns>();
        services.TryAddSingleton<LifecyclePipeline>();
        // Before the worker, which waits for them: no credentials, or a heartbeat interval no hook can live with, stop the daemon.
        services.TryAddSingleton<HeartbeatIntervalCheck>();
        services.TryAddSingleton<StartupChecks>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupChecks>());
        services.AddHostedService<BridgeWorker>();
        services.AddHostedService<UnattendedActions>();
        services.AddHostedService<OwedKeyWork>();
        services.AddSaltApiEventStream();
        services.AddHostedService<ReconcileWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueDepthMonitor>());
        services.AddBridgeTelemetry(configuration);
        services.AddBridgeStatus();
        return services;
    }

    /// <summary>
    /// What <c>saltapibridge reconcile</c> needs, and the daemon shares: the Bridge, Pipeline and Reconcile options,
    /// both clients, the provisioning records and the reconciler. No queue.
    /// </summary>
    public static IServiceCollection AddFleetReconcile(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DependencyOutages>();
        services.AddOptions<BridgeOptions>().Bind(configuration.GetSection(BridgeOptions.SectionName)).ValidateWith<BridgeOptions, BridgeOptionsValidator>();
        services.AddOptions<PipelineOptions>().Bind(configuration.GetSection(PipelineOptions.SectionName)).ValidateWith<PipelineOptions, PipelineOptionsValidator>();
        services.AddOptions<ReconcileOptions>().Bind(configuration.GetSection(ReconcileOptions.SectionName)).ValidateWith<ReconcileOptions, ReconcileOptionsValidator>();
        services.AddSaltApi(configuration);
        services.AddAutoScalingLifecycleActions(configuration);
        services.AddCoordination(configuration);
        services.TryAddSingleton<ReconcileMetrics>();
        services.TryAddSingleton<FleetReconciler>();
        return services;
    }

    /// <summary>The SDK's default credential chain (environment, profile, web identity, instance role) and region resolution.</summary>
    private static AmazonSQSClient CreateSqsClient(QueueOptions options)
    {
        AwsRuntimeDependencies.Register();
        var config = new AmazonSQSConfig();
        if (!string.IsNullOrWhiteSpace(options.Region))
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
            config.ServiceURL = options.ServiceUrl;
        // A long poll must outlive its 20 s wait.
        config.Timeout = TimeSpan.FromSeconds(options.WaitTimeSeconds + 10);
        return new AmazonSQSClient(config);
    }
}
