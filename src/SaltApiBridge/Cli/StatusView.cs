using System.Text.Json;
using SaltApiBridge.Status;

namespace SaltApiBridge.Cli;

/// <summary>
/// Reads the daemon's <c>GET /status</c> and shows it (<see cref="StatusTable"/>, or the JSON as it came), once or every
/// <see cref="WatchInterval"/>. The exit code: 0 all well, 1 something needs a person (the report's problems), 2 the
/// daemon could not be reached (one line saying so; while watching, the screen says it and the watch goes on).
/// </summary>
internal sealed class StatusView(HttpClient http, Uri statusUrl, TextWriter output, TextWriter error)
{
    public const int NeedsAPersonExitCode = 1;

    public const int UnreachableExitCode = 2;

    public static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(2);

    /// <summary>Cursor home, then clear the screen: each frame replaces the last.</summary>
    public const string ClearScreen = "\u001b[H\u001b[2J";

    public async Task<int> ShowAsync(bool json, CancellationToken cancellationToken)
    {
        var fetched = await FetchAsync(cancellationToken);
        if (fetched.Report is not { } report)
        {
            await error.WriteLineAsync("error: " + fetched.Problem);
            return UnreachableExitCode;
        }

        await output.WriteAsync(json ? fetched.Json : StatusTable.Render(report));
        return ExitCode(report);
    }

    /// <summary>Redraws until <paramref name="cancellationToken"/> (Ctrl-C) ends it; the exit code is the last frame's.</summary>
    /// <param name="delay">Waits between frames (tests pass their own clock).</param>
    public async Task<int> WatchAsync(bool json, Func<TimeSpan, CancellationToken, Task> delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delay);
        var code = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var fetched = await FetchAsync(cancellationToken);
                if (!json)
                    await output.WriteAsync(ClearScreen);
                if (fetched.Report is { } report)
                {
                    await output.WriteAsync(json ? fetched.Json.TrimEnd() + "\n" : StatusTable.Render(report));
                    code = ExitCode(report);
                }
                else
                {
                    await output.WriteLineAsync("error: " + fetched.Problem);
                    code = UnreachableExitCode;
                }

                if (!json)
                    await output.WriteLineAsync($"(every {WatchInterval.TotalSeconds:0} s; Ctrl-C stops)");
                await output.FlushAsync(cancellationToken);
                await delay(WatchInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return code;
    }

    private static int ExitCode(StatusReport report) => report.Problems.Count > 0 ? NeedsAPersonExitCode : 0;

    private async Task<Fetched> FetchAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(statusUrl, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                return Unreachable($"the daemon at {statusUrl} answered {(int)response.StatusCode} {response.ReasonPhrase} (a daemon older than this command has no /status)");
            return JsonSerializer.Deserialize(body, StatusJsonContext.Default.StatusReport) is { } report
                ? new Fetched(report, body, null)
                : Unreachable($"{statusUrl} did not answer with a status");
        }
        catch (HttpRequestException e)
        {
            return Unreachable($"cannot reach the daemon at {statusUrl}: {e.Message} (is it running, and is this its Health:Urls?)");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreachable($"the daemon at {statusUrl} did not answer within {http.Timeout.TotalSeconds:0} s");
        }
        catch (JsonException e)
        {
            return Unreachable($"{statusUrl} did not answer with a status: {e.Message}");
        }
    }

    private static Fetched Unreachable(string problem) => new(null, "", problem);

    private sealed record Fetched(StatusReport? Report, string Json, string? Problem);
}
