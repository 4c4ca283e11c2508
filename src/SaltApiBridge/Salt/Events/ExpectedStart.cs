namespace SaltApiBridge.Salt.Events;

/// <summary>A start event awaited since just before our accept (its waiter says from which stream connection on).</summary>
internal sealed record ExpectedStart(SaltEventWaiter<bool> Waiter, DateTimeOffset Since);
