using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text;
using System.Text.RegularExpressions;

namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// The call sites containers build while this listens (Microsoft.Extensions.DependencyInjection's event source, at
/// Verbose): for one provider, the implementation types it created services of. Tests in parallel build containers
/// too; each is told apart by its provider.
/// </summary>
internal sealed partial class ContainerCallSites : EventListener
{
    private const string SourceName = "Microsoft-Extensions-DependencyInjection";

    // Initialised before the base constructor, which reports the sources that exist already.
    private readonly ConcurrentDictionary<int, ConcurrentQueue<string>> built = new();

    // A long call site comes in chunks, one after the other on the thread that built it; the event names no service
    // key, so two call sites of one service type (keyed and not) can only be told apart by their order.
    private readonly ConcurrentDictionary<int, StringBuilder> partial = new();

    /// <summary>The implementation types, as <see cref="Type.ToString"/> writes them, of the services <paramref name="provider"/> built.</summary>
    public IReadOnlySet<string> ImplementationTypes(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return (built.TryGetValue(provider.GetHashCode(), out var callSites) ? callSites : [])
            .SelectMany(callSite => ImplementationType().Matches(callSite).Select(match => match.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == SourceName)
            EnableEvents(eventSource, EventLevel.Verbose, EventKeywords.All);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName != "CallSiteBuilt" || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
            return;
        object? Value(string name) => payload[names.IndexOf(name)];
        var thread = Environment.CurrentManagedThreadId;
        var index = (int)Value("chunkIndex")!;
        var text = index == 0 ? partial[thread] = new StringBuilder() : partial[thread];
        text.Append((string)Value("callSite")!);
        if (index == (int)Value("chunkCount")! - 1)
            built.GetOrAdd((int)Value("serviceProviderHashCode")!, _ => new ConcurrentQueue<string>()).Enqueue(text.ToString());
    }

    [GeneratedRegex("\"implementationType\": \"([^\"]+)\"")]
    private static partial Regex ImplementationType();
}
