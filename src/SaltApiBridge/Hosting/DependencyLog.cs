using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Hosting;

internal static partial class DependencyLog
{
    [LoggerMessage(6100, LogLevel.Warning, "{Dependency} is not answering: {Error}; meanwhile {Meanwhile}")]
    public static partial void OutageStarted(ILogger logger, string dependency, string error, string meanwhile);

    [LoggerMessage(6101, LogLevel.Debug, "{Dependency} still not answering: {Error}")]
    public static partial void StillDown(ILogger logger, string dependency, string error);

    [LoggerMessage(6102, LogLevel.Information, "{Dependency} is answering again, after {Duration}")]
    public static partial void OutageEnded(ILogger logger, string dependency, TimeSpan duration);
}
