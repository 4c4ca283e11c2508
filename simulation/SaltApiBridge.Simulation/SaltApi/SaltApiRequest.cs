namespace SaltApiBridge.Simulation;

/// <summary>A request as it reached the simulated salt-api (what its fault hooks see): method, path, query, headers, body text.</summary>
internal sealed record SaltApiRequest(
    string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
