using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Benchmarks;

/// <summary>Wants exactly one tag, as the daemon does while one job is awaited.</summary>
internal sealed class OneTagFilter(byte[] tag) : ISseTagFilter
{
    public bool Wants(ReadOnlySpan<byte> candidate) => candidate.SequenceEqual(tag);
}
