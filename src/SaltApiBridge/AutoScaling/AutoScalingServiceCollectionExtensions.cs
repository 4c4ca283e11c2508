using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Refit;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.AutoScaling;

public static class AutoScalingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ILifecycleActionClient"/> and <see cref="IAutoScalingInventory"/> over the signed Query API,
    /// the hook catalog and the heartbeat keeper.
    /// Pipeline, outermost first: retry (backoff with jitter) → per-attempt timeout → SigV4 signing → transport,
    /// so every attempt is signed afresh.
    /// </summary>
    public static IServiceCollection AddAutoScalingLifecycleActions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AutoScalingOptions>().Bind(configuration.GetSection(AutoScalingOptions.SectionName)).ValidateWith<AutoScalingOptions, AutoScalingOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DependencyOutages>();
        services.TryAddSingleton<RetryMetrics>();
        services.TryAddSingleton<IAwsCredentialsSource, DefaultChainCredentialsSource>();
        services.TryAddSingleton(sp => AutoScalingEndpoint.Resolve(
            sp.GetRequiredService<IOptions<AutoScalingOptions>>().Value, AutoScalingEndpoint.SdkRegion));

        var builder = services.AddRefitGeneratedClient<IAutoScalingQueryApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<AutoScalingEndpoint>().BaseAddress;
                // The resilience pipeline bounds each attempt; HttpClient's own 100 s would cut retries short.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The client lives in singletons: recycle connections instead of handlers so DNS changes are seen.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler("autoscaling", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<AutoScalingOptions>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILogger<QueryApiTransport>>();
            // Each attempt and retry at Debug, counted; an outage is one line of the transport's (DependencyOutages).
            pipeline.ConfigureTelemetry(ResilienceTelemetry.Quiet(context.ServiceProvider, DependencyNames.AutoScaling));
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = AutoScalingRetryPolicy.ShouldRetryAsync,
                OnRetry = args =>
                {
                    logger.Retrying(args.AttemptNumber + 1, args.RetryDelay, AutoScalingRetryPolicy.Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
            });
            pipeline.AddTimeout(options.AttemptTimeout);
        });
        builder.AddHttpMessageHandler(sp => new SigV4SigningHandler(
            sp.GetRequiredService<IAwsCredentialsSource>(),
            sp.GetRequiredService<AutoScalingEndpoint>().SigningRegion,
            AutoScalingEndpoint.SigningService,
            sp.GetRequiredService<TimeProvider>()));
        // Innermost, inside the attempt timeout: a body that stalls or breaks off is that attempt's failure.
        builder.AddHttpMessageHandler(() => new ResponseBufferingHandler());

        services.TryAddSingleton<QueryApiTransport>();
        services.TryAddSingleton<ILifecycleActionClient, QueryApiLifecycleActionClient>();
        services.TryAddSingleton<IAutoScalingInventory, QueryApiAutoScalingInventory>();
        services.TryAddSingleton<LifecycleHookCatalog>();
        services.TryAddSingleton<HeartbeatKeeper>();
        return services;
    }
}
