using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Demo;

/// <summary>Keeps the daemon's warnings and errors of a demo run (the console belongs to the live view).</summary>
internal sealed class DemoLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                lines.Enqueue($"{logLevel} {category[(category.LastIndexOf('.') + 1)..]}: {formatter(state, exception)}");
        }
    }
}
