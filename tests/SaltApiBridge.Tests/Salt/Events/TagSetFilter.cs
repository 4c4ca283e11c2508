using System.Text;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>A filter over a fixed predicate on the tag, counting what it was asked.</summary>
internal sealed class TagSetFilter(Func<string, bool> wants) : ISseTagFilter
{
    public int Asked { get; private set; }

    public bool Wants(ReadOnlySpan<byte> tag)
    {
        Asked++;
        return wants(Encoding.UTF8.GetString(tag));
    }
}
