namespace SaltApiBridge.Salt.Events;

/// <summary>
/// A start event awaited since our accept: <see cref="Generation"/> is the stream's connection at the time, so a wait
/// can tell whether the stream may have missed it since.
/// </summary>
internal sealed record ExpectedStart(SaltEventWaiter<bool> Waiter, long Generation, DateTimeOffset Since);
