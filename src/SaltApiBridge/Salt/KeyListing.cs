namespace SaltApiBridge.Salt;

/// <summary>The master's keys by directory, as <c>key.list_all</c> returns them (the master's own <c>local</c> keys left out).</summary>
public sealed record KeyListing(
    IReadOnlyList<string> Accepted, IReadOnlyList<string> Pending, IReadOnlyList<string> Rejected, IReadOnlyList<string> Denied);
