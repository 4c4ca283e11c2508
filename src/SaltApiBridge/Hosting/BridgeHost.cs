using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using SaltApiBridge.Cli;
using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Hosting;

/// <summary>Builds the daemon: generic host with Kestrel on a loopback port for health and metrics, systemd integration.</summary>
public static class BridgeHost
{
    /// <param name="configureConfiguration">Extra configuration applied last (tests, the demo).</param>
    /// <param name="configureServices">Service overrides applied last (tests, the demo).</param>
    public static WebApplication Build(
        FileInfo? configFile,
        Action<IConfigurationBuilder>? configureConfiguration = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        // Only our sources: appsettings.json, --config, SALTAPIBRIDGE_* — never the command line for credentials.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddBridgeConfiguration(configFile);
        configureConfiguration?.Invoke(builder.Configuration);

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddConsole();
        builder.Services.AddSystemd();

        var health = builder.Configuration.GetSection(HealthOptions.SectionName).Get<HealthOptions>() ?? new HealthOptions();
        builder.WebHost.UseUrls([.. HealthOptionsValidator.Split(health.Urls)]);

        // Before the worker, so nothing is counted before the exporter listens.
        builder.Services.AddHostedService<PrometheusExportStarter>();
        builder.Services.AddSaltApiBridge(builder.Configuration);
        builder.Services.AddSingleton<ReadinessProbe>();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<PipelineOptions>>((host, pipeline) =>
            host.ShutdownTimeout = pipeline.Value.DrainTimeout + TimeSpan.FromSeconds(15));
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (ReadinessProbe probe, CancellationToken cancellationToken) =>
        {
            var report = await probe.CheckAsync(cancellationToken);
            return Results.Text(report.Text, statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapMetrics("/metrics");
        return app;
    }
}
