using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Tests.Salt;

/// <summary>Collects every log line (all categories, Trace and up), with its structured fields, for assertions.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _console = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>
    /// The same entries as the daemon's console prints them by default (simple formatter, one line per entry, the
    /// exception on the same line): what an operator reads, to count and measure.
    /// </summary>
    public IReadOnlyList<string> ConsoleLines => [.. _console];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines, _console);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines, ConcurrentQueue<string> console) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            var message = formatter(state, exception);
            lines.Enqueue($"{logLevel} {category}: {message} [{fields}] {exception}");
            var text = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {Short(logLevel)}: {category}[{eventId.Id}] {message}"
                + (exception is null ? "" : " " + exception);
            console.Enqueue(text.ReplaceLineEndings(" "));
        }

        private static string Short(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
