using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using Refit;
using SaltApiBridge.Salt.Api;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Salt;

public static class SaltApiServiceCollectionExtensions
{
    /// <summary>The name of the HttpClient behind the salt-api Refit client.</summary>
    public const string HttpClientName = "SaltApi";

    /// <summary>
    /// Registers <see cref="ISaltMaster"/> over salt-api, bound to the <c>SaltApi</c> section and validated at start.
    /// </summary>
    public static IServiceCollection AddSaltApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SaltApiOptions>()
            .Bind(configuration.GetSection(SaltApiOptions.SectionName))
            .ValidateWith<SaltApiOptions, SaltApiOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        var client = services.AddRefitGeneratedClient<ISaltApi>(SaltApiJsonContext.Default, _ => new RefitSettings(), HttpClientName)
            .ConfigureHttpClient((provider, http) =>
            {
                http.BaseAddress = new Uri(provider.GetRequiredService<IOptions<SaltApiOptions>>().Value.BaseUrl);
                // The resilience pipeline owns every timeout.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => CreatePrimaryHandler(provider.GetRequiredService<IOptions<SaltApiOptions>>().Value))
            // HttpClientFactory may log headers at Trace level; X-Auth-Token and Set-Cookie carry the token.
            .RedactLoggedHeaders(_ => true);
        client.AddResilienceHandler("salt-api", (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<SaltApiOptions>>().Value;
            pipeline
                .AddTimeout(o.RequestTimeout)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome)),
                    MaxRetryAttempts = o.MaxRetries,
                    Delay = o.RetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                })
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome)),
                    FailureRatio = 0.5,
                    MinimumThroughput = 10,
                    SamplingDuration = TimeSpan.FromSeconds(60),
                    BreakDuration = o.CircuitBreakDuration,
                })
                .AddTimeout(o.AttemptTimeout);
        });
        // Inside the attempt timeout: a body that stalls or breaks off is that attempt's failure.
        client.AddHttpMessageHandler(() => new ResponseBufferingHandler());

        // The event stream's client: the same salt-api and handler settings, none of the per-call timeouts, retries or
        // buffering (a GET /events lives for hours); its own connection, so it never takes one of MaxConnections.
        services.AddHttpClient(SaltEventStream.HttpClientName, (provider, http) =>
            {
                http.BaseAddress = new Uri(provider.GetRequiredService<IOptions<SaltApiOptions>>().Value.BaseUrl);
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => CreatePrimaryHandler(provider.GetRequiredService<IOptions<SaltApiOptions>>().Value))
            .RedactLoggedHeaders(_ => true);
        services.TryAddSingleton<EventStreamMetrics>();
        services.TryAddSingleton<SaltEventWaiters>();
        services.TryAddSingleton<SaltApiSession>();
        services.TryAddSingleton<ISaltMaster, SaltApiMaster>();
        services.TryAddSingleton(sp => SaltMasterSet.Of(sp.GetRequiredService<ISaltMaster>()));
        return services;
    }

    /// <summary>
    /// Runs the salt-api event stream in the background (the daemon only: without it every wait polls as before).
    /// </summary>
    public static IServiceCollection AddSaltApiEventStream(this IServiceCollection services)
    {
        services.AddHostedService<SaltEventStream>();
        return services;
    }

    private static SocketsHttpHandler CreatePrimaryHandler(SaltApiOptions options) => new()
    {
        // rest_cherrypy serves from a fixed thread pool and each call costs the master real work: a bounded
        // number of connections keeps a storm from flooding it (and the bridge's memory); calls beyond it wait.
        MaxConnectionsPerServer = options.MaxConnections,
        // salt-api re-sends the token as a session_id cookie: keep none, so that only X-Auth-Token
        // authenticates and a stale cookie can never mask a renewed token.
        UseCookies = false,
        AllowAutoRedirect = false,
        // The token must not pass through a proxy.
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>
    /// Connection errors, attempt timeouts and 5xx may pass; a 4xx (bad credentials, a disabled client) will not,
    /// and a 401 is the session's to handle.
    /// </summary>
    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.NotImplemented,
        _ => false,
    };
}
