namespace SaltApiBridge.Tests.Chaos;

/// <summary>A request as it reached the simulated salt-api, faulted or not.</summary>
internal sealed record RawSaltRequest(string Method, string Path, string? Body);
