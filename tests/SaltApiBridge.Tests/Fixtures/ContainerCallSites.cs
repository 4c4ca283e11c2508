using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
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
    private readonly ConcurrentDictionary<(int Provider, string Service), string[]> chunks = new();

    /// <summary>The implementation types, as <see cref="Type.ToString"/> writes them, of the services <paramref name="provider"/> built.</summary>
    public IReadOnlySet<string> ImplementationTypes(IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var hash = provider.GetHashCode();
        return chunks.Where(entry => entry.Key.Provider == hash)
            .SelectMany(entry => ImplementationType().Matches(string.Concat(entry.Value)).Select(match => match.Groups[1].Value))
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
        // A long call site comes in chunks, in order, each with its index.
        var key = ((int)Value("serviceProviderHashCode")!, (string)Value("serviceType")!);
        var parts = chunks.GetOrAdd(key, _ => new string[(int)Value("chunkCount")!]);
        parts[(int)Value("chunkIndex")!] = (string)Value("callSite")!;
    }

    [GeneratedRegex("\"implementationType\": \"([^\"]+)\"")]
    private static partial Regex ImplementationType();
}
