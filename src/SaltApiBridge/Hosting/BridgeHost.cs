using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;
using SaltApiBridge.Reconcile;
using SaltApiBridge.Salt;
using SaltApiBridge.Status;
using SaltApiBridge.Telemetry;

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
        // Lowest precedence: the bridge's default log levels, which every source below may override.
        builder.Configuration.AddInMemoryCollection(BridgeLogging.DefaultLevels);
        builder.Configuration.AddBridgeConfiguration(configFile);
        configureConfiguration?.Invoke(builder.Configuration);
        // Values of the wrong type are taken out and listed, so each section still binds and shows its other problems.
        var invalid = SettingValues.Find(builder.Configuration);
        builder.Configuration.HideInvalid(invalid);
        builder.Services.AddSingleton(new InvalidSettings(invalid));

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        // AddSystemd first: it sets the systemd formatter itself; AddBridgeConsole's configuration binding comes after.
        builder.Services.AddSystemd();
        builder.Logging.AddBridgeConsole(builder.Configuration, BridgeLogging.UnderSystemd);
        builder.Logging.AddScopesToJsonLines(builder.Configuration);

        var health = builder.Configuration.GetSection(HealthOptions.SectionName).Get<HealthOptions>() ?? new HealthOptions();
        builder.WebHost.UseUrls([.. HealthOptionsValidator.Split(health.Urls)]);

        // Before the worker, so nothing is counted before the exporter listens.
        builder.Services.AddHostedService<PrometheusExportStarter>();
        builder.Services.AddSaltApiBridge(builder.Configuration);
        builder.Services.AddSingleton<ReadinessProbe>();
        // Read unvalidated: the host resolves HostOptions while it is built, before ConfigurationProblems can report.
        var drain = DrainTimeoutOrDefault(builder.Configuration);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = drain + TimeSpan.FromSeconds(15));
        configureServices?.Invoke(builder.Services);
        // The web server first: the health listener answers while the services (and the clients they need) start.
        AfterServerStart.Defer(builder.Services);

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (ReadinessProbe probe, CancellationToken cancellationToken) =>
        {
            var report = await probe.CheckAsync(cancellationToken);
            return Results.Text(report.Text, statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapMetrics("/metrics");
        app.MapBridgeStatus();
        return app;
    }

    /// <summary>
    /// Every configuration problem of every section, found before the host starts (the host would stop at the first
    /// section and log a stack trace). Empty when the configuration is usable.
    /// </summary>
    /// <param name="includeQueueAndHealth">False for commands that use neither the queue nor the HTTP endpoint (replay, reconcile).</param>
    public static IReadOnlyList<string> ConfigurationProblems(IServiceProvider services, bool includeQueueAndHealth = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        var problems = new List<string>();
        Check<BridgeOptions>(services, BridgeOptions.SectionName, problems);
        if (includeQueueAndHealth)
            Check<QueueOptions>(services, QueueOptions.SectionName, problems);
        Check<SaltApiOptions>(services, SaltApiOptions.SectionName, problems);
        Check<AutoScalingOptions>(services, AutoScalingOptions.SectionName, problems);
        CheckAutoScalingRegion(services, problems);
        Check<PipelineOptions>(services, PipelineOptions.SectionName, problems);
        if (includeQueueAndHealth)
            Check<HealthOptions>(services, HealthOptions.SectionName, problems);
        Check<ReconcileOptions>(services, ReconcileOptions.SectionName, problems);
        Check<CoordinationOptions>(services, CoordinationOptions.SectionName, problems);
        Check<TelemetryOptions>(services, TelemetryOptions.SectionName, problems);
        return problems;
    }

    private static TimeSpan DrainTimeoutOrDefault(ConfigurationManager configuration)
    {
        try
        {
            var drain = configuration.GetSection(PipelineOptions.SectionName).Get<PipelineOptions>()?.DrainTimeout;
            return drain > TimeSpan.Zero ? drain.Value : new PipelineOptions().DrainTimeout;
        }
        catch (InvalidOperationException)
        {
            return new PipelineOptions().DrainTimeout;
        }
    }

    /// <summary>
    /// No region in the options nor from the SDK: the first Auto Scaling call would throw from deep inside the HTTP
    /// client factory, a stack trace instead of a line.
    /// </summary>
    private static void CheckAutoScalingRegion(IServiceProvider services, List<string> problems)
    {
        try
        {
            _ = services.GetRequiredService<AutoScalingEndpoint>();
        }
        catch (AutoScalingException e)
        {
            problems.Add(e.Message);
        }
        catch (OptionsValidationException)
        {
            // Already listed by the section's own check.
        }
    }

    /// <summary>The known setting a misspelt key most likely meant: a few edits away, or one containing the other.</summary>
    private static string? Closest(string key, IEnumerable<string> known)
    {
        var best = known
            .Select(name => (Name: name, Distance: EditDistance(key.ToUpperInvariant(), name.ToUpperInvariant())))
            .OrderBy(candidate => candidate.Distance)
            .FirstOrDefault();
        if (best.Name is null)
            return null;
        var near = best.Distance <= Math.Max(2, key.Length / 4);
        var contained = known.FirstOrDefault(name => name.Length >= 4
            && (key.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(key, StringComparison.OrdinalIgnoreCase)));
        return near ? best.Name : contained;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>A key of <paramref name="section"/> that no property of <typeparamref name="TOptions"/> reads.</summary>
    private static void UnknownKeys<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
        IConfiguration configuration, string section, List<string> problems)
    {
        var known = typeof(TOptions).GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        problems.AddRange(configuration.GetSection(section).GetChildren()
            .Where(key => !known.Contains(key.Key))
            .Select(key => Closest(key.Key, known) is { } close
                ? $"{section}:{key.Key} is not a setting of the {section} section; did you mean {section}:{close}?"
                : $"{section}:{key.Key} is not a setting of the {section} section"));
    }

    /// <summary>Adds the problems of one options type (unknown keys, validation failures, values that do not bind) to <paramref name="problems"/>.</summary>
    internal static void Check<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(IServiceProvider services, string section, List<string> problems)
        where TOptions : class
    {
        // A misspelt key would otherwise be ignored without a word, leaving its default in force.
        var configuration = services.GetRequiredService<IConfiguration>();
        problems.AddRange((services.GetService<InvalidSettings>()?.Settings ?? [])
            .Where(setting => setting.Key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
            .Select(setting => setting.Problem));
        UnknownKeys<TOptions>(configuration, section, problems);
        if (typeof(TOptions) == typeof(SaltApiOptions))
        {
            UnknownKeys<Salt.Events.EventStreamOptions>(configuration, SaltApiOptions.SectionName + ":EventStream", problems);
            foreach (var master in configuration.GetSection(SaltApiOptions.SectionName + ":Masters").GetChildren())
                UnknownKeys<SaltMasterOptions>(configuration, master.Path, problems);
        }
        try
        {
            _ = services.GetRequiredService<IOptions<TOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
        catch (InvalidOperationException e)
        {
            // A value that does not bind (e.g. "abc" for a number) surfaces here, naming the key.
            problems.Add(e.Message);
        }
    }
}
