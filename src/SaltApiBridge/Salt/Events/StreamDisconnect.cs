namespace SaltApiBridge.Salt.Events;

/// <summary>Why one connection of the event stream ended: a bounded <see cref="Kind"/> for the metric, a reason for the log.</summary>
internal readonly record struct StreamDisconnect(string Kind, string Reason);
