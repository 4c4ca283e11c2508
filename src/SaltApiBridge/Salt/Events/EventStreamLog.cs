using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Salt.Events;

/// <summary>The event stream's log lines: one per connect, proof and loss, never one per event, never a payload or token.</summary>
internal static partial class EventStreamLog
{
    [LoggerMessage(EventId = 4050, Level = LogLevel.Information, Message = "Event stream connected to {baseUrl}; proving it with a probe event before trusting it")]
    public static partial void StreamConnected(this ILogger logger, string baseUrl);

    [LoggerMessage(EventId = 4051, Level = LogLevel.Information, Message = "Event stream proven on master {master} (connection {generation}): key, reachability and job waits end on events")]
    public static partial void StreamProven(this ILogger logger, string master, long generation);

    [LoggerMessage(EventId = 4052, Level = LogLevel.Warning, Message = "Event stream lost on master {master} ({kind}): {reason}; waits poll until it is back; reconnecting in {delay}")]
    public static partial void StreamLost(this ILogger logger, string master, string kind, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 4053, Level = LogLevel.Information, Message = "Event stream off (SaltApi:EventStream:Enabled is false): every wait polls salt-api")]
    public static partial void StreamDisabled(this ILogger logger);

    [LoggerMessage(EventId = 4054, Level = LogLevel.Information, Message = "Event stream reconnecting ({kind}): {reason}")]
    public static partial void StreamRenewing(this ILogger logger, string kind, string reason);
}
