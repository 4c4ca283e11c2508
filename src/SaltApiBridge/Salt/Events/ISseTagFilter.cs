namespace SaltApiBridge.Salt.Events;

/// <summary>Says, from an event's tag alone, whether its data is worth reading: the data of others is never buffered.</summary>
internal interface ISseTagFilter
{
    bool Wants(ReadOnlySpan<byte> tag);
}
