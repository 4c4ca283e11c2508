namespace SaltApiBridge.Salt.Events;

/// <summary>
/// One wanted event off the stream. <see cref="Data"/> is the reader's buffer: valid only until the next read.
/// <see cref="Oversized"/>: the data went past the bound and was dropped (Data is then empty).
/// </summary>
internal readonly record struct SseEvent(string Tag, ReadOnlyMemory<byte> Data, bool Oversized);
