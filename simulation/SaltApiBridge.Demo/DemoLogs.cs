using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Demo;

/// <summary>
/// Keeps the daemon's log of a demo run (the console belongs to the live view): the lines an operator reads, the
/// bridge's own at Information and everything at Warning and above, as the daemon's console would show them.
/// </summary>
internal sealed class DemoLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<DemoLogLine> lines = new();

    public IReadOnlyList<DemoLogLine> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<DemoLogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // Which categories reach Information is the daemon's logging configuration's to say, as for its console.
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                lines.Enqueue(new DemoLogLine(logLevel, $"{Level(logLevel)}: {category}[{eventId.Id}] {formatter(state, exception)}"));
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            LogLevel.Critical => "crit",
            _ => level.ToString().ToLowerInvariant(),
        };
    }
}
