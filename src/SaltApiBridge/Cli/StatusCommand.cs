using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using SaltApiBridge.Hosting;
using SaltApiBridge.Status;

namespace SaltApiBridge.Cli;

/// <summary>
/// <c>saltapibridge status</c>: what the running daemon does now, read from its <c>GET /status</c> on the health listener
/// (the first of <c>Health:Urls</c>, or <c>--url</c>). Exit 0 all well, 1 something needs a person, 2 the daemon cannot
/// be reached (or the options are wrong).
/// </summary>
public static class StatusCommand
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var config = CliOptions.Config();
        var url = new Option<string?>("--url")
        {
            Description = "The daemon's health listener, e.g. http://127.0.0.1:9464 (default: the first of Health:Urls in the configuration).",
        };
        var json = new Option<bool>("--json") { Description = "Print the daemon's JSON instead of the table." };
        var watch = new Option<bool>("--watch") { Description = "Redraw every 2 s until Ctrl-C." };
        var command = new Command("status", "Show what the running daemon does now: work in flight, masters, queue, last results; exit 1 when something needs a person, 2 when the daemon cannot be reached.")
        {
            config, url, json, watch,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (FindStatusUrl(parse.GetValue(config), parse.GetValue(url), out var problem) is not { } statusUrl)
            {
                await error.WriteLineAsync("error: " + problem);
                return CliOptions.BadInputExitCode;
            }

            using var http = new HttpClient { Timeout = RequestTimeout };
            var view = new StatusView(http, statusUrl, output, error);
            if (!parse.GetValue(watch))
                return await view.ShowAsync(parse.GetValue(json), cancellationToken);
            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Ctrl-C ends the watch, not the process: the exit code is the last frame's.
            using var ctrlC = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
            {
                signal.Cancel = true;
                interrupted.Cancel();
            });
            return await view.WatchAsync(parse.GetValue(json), (delay, token) => Task.Delay(delay, token), interrupted.Token);
        });
        return command;
    }

    /// <summary>The status URL: <paramref name="url"/>, else the first of Health:Urls (a wildcard host read as loopback).</summary>
    internal static Uri? FindStatusUrl(FileInfo? configFile, string? url, out string? problem)
    {
        problem = null;
        if (configFile is not null && url is not null)
        {
            problem = "give --config or --url, not both";
            return null;
        }

        string? first;
        if (url is not null)
        {
            first = url;
        }
        else
        {
            try
            {
                var configuration = new ConfigurationBuilder().AddBridgeConfiguration(configFile).Build();
                first = HealthOptionsValidator.Split(configuration[$"{HealthOptions.SectionName}:{nameof(HealthOptions.Urls)}"] ?? new HealthOptions().Urls).FirstOrDefault();
            }
            catch (Exception e) when (CliOptions.IsConfigurationError(e))
            {
                problem = "cannot load configuration: " + CliOptions.DescribeConfigurationError(e);
                return null;
            }
        }

        // Kestrel's wildcards listen on every address, loopback too.
        var text = (first ?? "").Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://[::1]", StringComparison.Ordinal);
        var from = url is null ? "Health:Urls" : "--url";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            problem = $"{from} '{first}' is not an http:// URL";
            return null;
        }

        if (baseUrl.Port == 0)
        {
            problem = $"{from} '{first}' asks for a free port; the daemon logs the one it got (\"Now listening on\"): give it with --url";
            return null;
        }

        return new Uri(baseUrl, StatusEndpoint.Path);
    }
}
