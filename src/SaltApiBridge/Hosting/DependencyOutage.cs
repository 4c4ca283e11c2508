namespace SaltApiBridge.Hosting;

/// <summary>A dependency that stopped answering: since when, the first error in words, what the daemon does meanwhile.</summary>
public sealed record DependencyOutage(string Dependency, DateTimeOffset Since, string Error, string Meanwhile);
