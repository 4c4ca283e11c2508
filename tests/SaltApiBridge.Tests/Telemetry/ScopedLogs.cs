using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Tests.Telemetry;

/// <summary>Collects each log line with the fields of the scopes it was logged in, as the JSON console prints them.</summary>
internal sealed class ScopedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<(string Category, string Message, IReadOnlyDictionary<string, object?> Scope)> lines = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<(string Category, string Message, IReadOnlyDictionary<string, object?> Scope)> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ScopedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logs.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            logs.scopes.ForEachScope(
                (s, fields) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                            fields[key] = value;
                    }
                },
                scope);
            logs.lines.Enqueue((category, formatter(state, exception), scope));
        }
    }
}
