using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using Refit;
using SaltApiBridge.Hosting;
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
        services.TryAddSingleton<DependencyOutages>();
        services.TryAddSingleton<RetryMetrics>();

        static SaltApiOptions Primary(IServiceProvider provider) => provider.GetRequiredService<IOptions<SaltApiOptions>>().Value;
        ConfigureClients(
            services,
            services.AddRefitGeneratedClient<ISaltApi>(SaltApiJsonContext.Default, _ => new RefitSettings(), HttpClientName),
            SaltEventStream.HttpClientName,
            Primary);

        // Every further master of a multi-master Salt: its own salt-api client (keyed by its name), connections and
        // event-stream client, with SaltApi's settings but for its own URL, credentials and certificate authority.
        foreach (var name in configuration.GetSection(SaltApiOptions.SectionName + ":Masters").GetChildren().Select(c => c.Key))
        {
            ConfigureClients(
                services,
                services.AddKeyedRefitGeneratedClient<ISaltApi>(name, SaltApiJsonContext.Default, _ => new RefitSettings(), HttpClientName + ":" + name, allowReflectionFallback: false),
                SaltEventStream.HttpClientName + ":" + name,
                provider => MasterOptions(provider, name));
        }

        services.TryAddSingleton<EventStreamMetrics>();
        services.TryAddSingleton(provider => new SaltEventWaiters(
            provider.GetRequiredService<EventStreamMetrics>(), provider.GetRequiredService<IOptions<SaltApiOptions>>().Value.Name,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SaltApiOptions>>();
            return new SaltApiSession(
                provider.GetRequiredService<ISaltApi>(), options, provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<SaltApiSession>>(), provider.GetService<IMeterFactory>(),
                MasterOutage.For(provider.GetRequiredService<DependencyOutages>(), options.Value, options.Value.Name));
        });
        services.TryAddSingleton<ISaltMaster, SaltApiMaster>();
        services.TryAddSingleton<SaltMasters>();
        services.TryAddSingleton(provider => provider.GetRequiredService<SaltMasters>().Set);
        return services;
    }

    /// <summary>
    /// Runs the salt-api event stream in the background (the daemon only: without it every wait polls as before).
    /// </summary>
    public static IServiceCollection AddSaltApiEventStream(this IServiceCollection services)
    {
        services.AddHostedService<SaltEventStream>();
        services.AddHostedService<MasterEventStreams>();
        return services;
    }

    /// <summary>The settings of master <paramref name="name"/> of <c>SaltApi:Masters</c>.</summary>
    internal static SaltApiOptions MasterOptions(IServiceProvider provider, string name)
    {
        var all = provider.GetRequiredService<IOptions<SaltApiOptions>>().Value;
        return all.ForMaster(name, all.Masters.TryGetValue(name, out var master) ? master : new SaltMasterOptions());
    }

    /// <summary>
    /// One master's two HTTP clients: the Refit client's (per-call timeouts, retries, a circuit, buffered bodies) and
    /// the event stream's (the same handler settings, none of the rest: a GET /events lives for hours; its own
    /// connection, so it never takes one of MaxConnections).
    /// </summary>
    private static void ConfigureClients(IServiceCollection services, IHttpClientBuilder client, string eventsClientName, Func<IServiceProvider, SaltApiOptions> settings)
    {
        client.ConfigureHttpClient((provider, http) =>
            {
                http.BaseAddress = new Uri(settings(provider).BaseUrl);
                // The resilience pipeline owns every timeout.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => CreatePrimaryHandler(settings(provider)))
            // HttpClientFactory may log headers at Trace level; X-Auth-Token and Set-Cookie carry the token.
            .RedactLoggedHeaders(_ => true);
        client.AddResilienceHandler("salt-api", (pipeline, context) =>
        {
            var o = settings(context.ServiceProvider);
            // Each attempt and retry at Debug, counted; an outage is one line of the session's (DependencyOutages).
            pipeline.ConfigureTelemetry(ResilienceTelemetry.Quiet(context.ServiceProvider, DependencyNames.SaltApi(o.Name)));
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

        services.AddHttpClient(eventsClientName, (provider, http) =>
            {
                http.BaseAddress = new Uri(settings(provider).BaseUrl);
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => CreatePrimaryHandler(settings(provider)))
            .RedactLoggedHeaders(_ => true);
    }

    private static SocketsHttpHandler CreatePrimaryHandler(SaltApiOptions options) => new()
    {
        // A private CA's certificates, when configured: the chain must end in one of them (the host name is still checked).
        SslOptions = TrustedAuthorities(options.CaCertificateFile),
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
    /// TLS settings: the system's trust store, or only the CA(s) in <paramref name="caFile"/>. Never a callback that
    /// accepts what does not verify.
    /// </summary>
    internal static SslClientAuthenticationOptions TrustedAuthorities(string? caFile)
    {
        var tls = new SslClientAuthenticationOptions();
        if (string.IsNullOrWhiteSpace(caFile))
            return tls;
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        // A chain policy brings its own revocation mode (online by default, not the handler's NoCheck): a private CA
        // rarely publishes a CRL, and without one every handshake would fail.
        tls.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        tls.CertificateChainPolicy.CustomTrustStore.AddRange(authorities);
        return tls;
    }

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
