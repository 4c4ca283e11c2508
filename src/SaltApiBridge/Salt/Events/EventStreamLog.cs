using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Salt.Events;

/// <summary>
/// The event stream's log lines: one per proof and loss (a connection before its proof, and each reconnect while the
/// master does not answer, at Debug), never one per event, never a payload or token.
/// </summary>
internal static partial class EventStreamLog
{
    [LoggerMessage(4050, LogLevel.Debug, "Event stream connected to {BaseUrl}; proving it with a probe event before trusting it")]
    public static partial void StreamConnected(this ILogger logger, string baseUrl);

    [LoggerMessage(4051, LogLevel.Information, "Event stream proven on master {Master} (connection {Generation}): key, reachability and job waits end on events")]
    public static partial void StreamProven(this ILogger logger, string master, long generation);

    [LoggerMessage(4052, LogLevel.Warning, "Event stream lost on master {Master} ({Kind}): {Reason}; waits poll until it is back; reconnecting in {Delay}")]
    public static partial void StreamLost(this ILogger logger, string master, string kind, string reason, TimeSpan delay);

    [LoggerMessage(4055, LogLevel.Debug, "Event stream of master {Master} still down ({Kind}): {Reason}; reconnecting in {Delay}")]
    public static partial void StreamStillDown(this ILogger logger, string master, string kind, string reason, TimeSpan delay);

    [LoggerMessage(4053, LogLevel.Information, "Event stream off (SaltApi:EventStream:Enabled is false): every wait polls salt-api")]
    public static partial void StreamDisabled(this ILogger logger);

    [LoggerMessage(4054, LogLevel.Information, "Event stream reconnecting ({Kind}): {Reason}")]
    public static partial void StreamRenewing(this ILogger logger, string kind, string reason);
}
