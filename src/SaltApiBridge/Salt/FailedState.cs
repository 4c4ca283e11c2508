namespace SaltApiBridge.Salt;

/// <summary>One state whose result was false, as <c>id</c> (Salt's state key) and its comment.</summary>
public sealed record FailedState(string Id, string? Comment);
