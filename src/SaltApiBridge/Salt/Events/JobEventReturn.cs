namespace SaltApiBridge.Salt.Events;

/// <summary>
/// A job's return seen on the stream: its verdict (the same reading as <c>GET /jobs</c>), or, when the return was too
/// big to keep or could not be read, null and why: the waiter then asks <c>GET /jobs</c> once.
/// </summary>
internal sealed record JobEventReturn(StateRunResult? Verdict, string? FallbackReason);
