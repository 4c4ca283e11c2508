using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SaltApiBridge.Status;

/// <summary><c>GET /status</c> on the health listener: what this replica does now, as JSON (<see cref="StatusReport"/>).</summary>
public static class StatusEndpoint
{
    public const string Path = "/status";

    public static IServiceCollection AddBridgeStatus(this IServiceCollection services)
    {
        services.TryAddSingleton<WorkBoard>();
        services.TryAddSingleton<OwedKeyCensus>();
        services.TryAddSingleton<StatusReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusReporter>());
        return services;
    }

    public static IEndpointRouteBuilder MapBridgeStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, async (StatusReporter reporter, CancellationToken cancellationToken) =>
            TypedResults.Json(await reporter.ReportAsync(cancellationToken), StatusJsonContext.Default.StatusReport));
        return endpoints;
    }
}
