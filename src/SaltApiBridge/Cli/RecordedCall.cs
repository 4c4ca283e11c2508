namespace SaltApiBridge.Cli;

/// <summary>One HTTP call as it left the bridge, secrets already masked.</summary>
internal sealed record RecordedCall(string Method, Uri Uri, IReadOnlyList<string> Headers, string Body, int? Status);
