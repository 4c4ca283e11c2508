using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace SaltApiBridge.Hosting;

/// <summary>
/// The daemon's log as operators read it: the bridge's own lines (a few per instance per step) at Information, the
/// HTTP client, resilience and web-host chatter at Warning; one line per entry, journald's format under systemd,
/// a UTC timestamp otherwise, or one JSON object per line, with a UTC <c>Timestamp</c>, with
/// <c>Logging:Console:FormatterName=json</c>.
/// </summary>
public static class BridgeLogging
{
    /// <summary>
    /// Default levels, the lowest-precedence configuration source: <c>Logging:LogLevel:…</c> in appsettings.json,
    /// --config or SALTAPIBRIDGE_Logging__LogLevel__… override each of them.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> DefaultLevels { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        // Four lines per HTTP request (start, headers, end, …) with the Refit client's generated type as category.
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        // Polly's events (every attempt, retry, circuit change) are Debug (ResilienceTelemetry), counted in
        // saltapibridge_retries; a dependency that stops answering is one warning of the bridge's own (DependencyOutages).
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Microsoft.Extensions.Http.Resilience"] = "Warning",
        ["Logging:LogLevel:Refit"] = "Warning",
        // A line per health or metrics request. Microsoft.Hosting.Lifetime stays: "Now listening on" gives the health
        // URL (the port, when Health:Urls asks for port 0), "Application started" the moment the service is up.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>
    /// Every category of <see cref="DefaultLevels"/> at None: for commands that print their own lines (check, replay),
    /// where a category's own level would otherwise win over <c>Default=None</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Silenced { get; } = DefaultLevels.ToDictionary(l => l.Key, _ => (string?)"None");

    /// <summary>The timestamp of every line outside systemd (journald stamps its own).</summary>
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    /// <summary>The <c>Timestamp</c> of every JSON line, UTC ISO-8601 (a log shipper gets it even under systemd).</summary>
    public const string JsonTimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>Adds the console logger; <paramref name="underSystemd"/> picks journald's format.</summary>
    public static ILoggingBuilder AddBridgeConsole(this ILoggingBuilder logging, IConfiguration configuration, bool underSystemd)
    {
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);
        logging.AddConsole();
        if (underSystemd)
        {
            // <N> priority prefixes journald turns into levels; no timestamp, journald adds one.
            logging.AddSystemdConsole();
        }
        else
        {
            logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = TimestampFormat;
            });
        }

        logging.Services.Configure<ConsoleLoggerOptions>(options =>
            options.FormatterName = underSystemd ? ConsoleFormatterNames.Systemd : ConsoleFormatterNames.Simple);
        // JSON lines carry a UTC timestamp unless Logging:Console:FormatterOptions says otherwise (that section is
        // bound before this runs, so only what it leaves unset is filled in).
        var formatterOptions = configuration.GetSection("Logging:Console:FormatterOptions");
        logging.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            if (formatterOptions["TimestampFormat"] is null)
                options.TimestampFormat = JsonTimestampFormat;
            if (formatterOptions["UseUtcTimestamp"] is null)
                options.UseUtcTimestamp = true;
        });
        // Last, so Logging:Console:FormatterName (json for log shippers) wins over both defaults.
        logging.Services.Configure<ConsoleLoggerOptions>(configuration.GetSection("Logging:Console"));
        return logging;
    }

    /// <summary>Whether the process is a systemd service (its unit started it, with journald on stdout).</summary>
    public static bool UnderSystemd => SystemdHelpers.IsSystemdService();
}
