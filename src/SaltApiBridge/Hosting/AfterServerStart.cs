using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Hosting;

/// <summary>
/// The daemon's own hosted services, started once the web server listens instead of before it (the web host's
/// default): <c>/healthz</c> answers as soon as a bare web host would, and the services, with the clients they are
/// built with, start right after in their registration order. A background service that fails stops the daemon, as
/// the host does for its own (<see cref="ServiceFailed"/>); on stop they are stopped in reverse order, after the web
/// server.
/// </summary>
internal sealed class AfterServerStart(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<AfterServerStart> logger) : IHostedLifecycleService
{
    private const string Key = "saltapibridge:after-server-start";

    private readonly List<IHostedService> started = [];

    /// <summary>Moves every hosted service registered so far behind the web server's start.</summary>
    public static void Defer(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var hosted in services.Where(d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService).ToList())
        {
            services.Remove(hosted);
            services.Add(hosted.ImplementationInstance is { } instance ? new ServiceDescriptor(typeof(IHostedService), Key, instance)
                : hosted.ImplementationFactory is { } factory ? new ServiceDescriptor(typeof(IHostedService), Key, (provider, _) => factory(provider), hosted.Lifetime)
                : new ServiceDescriptor(typeof(IHostedService), Key, hosted.ImplementationType!, hosted.Lifetime));
        }

        // One instance, so that the command that runs the host can ask it afterwards whether a service failed.
        services.AddSingleton<AfterServerStart>();
        services.AddHostedService(provider => provider.GetRequiredService<AfterServerStart>());
    }

    /// <summary>
    /// Whether a started background service ended on a failure (the host does not say so on .NET 10). Asked of this
    /// instead of the services themselves: resolving them before the run would build them all before the web server
    /// listens.
    /// </summary>
    public bool ServiceFailed => started.OfType<BackgroundService>().Any(service => service.ExecuteTask is { IsFaulted: true });

    /// <summary>The deferred services, in their start order.</summary>
    private static IEnumerable<IHostedService> Of(IServiceProvider services) => services.GetKeyedServices<IHostedService>(Key);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every <c>StartAsync</c>, the web server's included.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var service in Of(services))
        {
            await service.StartAsync(cancellationToken);
            started.Add(service);
            if (service is BackgroundService { ExecuteTask: { } execute } background)
                _ = WatchAsync(background, execute);
        }
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<Exception> failures = [];
        foreach (var service in Enumerable.Reverse(started))
        {
            try
            {
                await service.StopAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
            throw new AggregateException(failures);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task WatchAsync(BackgroundService service, Task execute)
    {
        try
        {
            await execute;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopped with the host.
        }
        catch (Exception e)
        {
            HostingLog.ServiceFailed(logger, service.GetType().Name, e);
            lifetime.StopApplication();
        }
    }
}
