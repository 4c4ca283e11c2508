using System.Globalization;

namespace SaltApiBridge.Queue;

/// <summary>The messages of one queue by state, as SQS counts them (approximately) in GetQueueAttributes.</summary>
public sealed record QueueDepth(long Visible, long InFlight, long Delayed)
{
    /// <summary>The names of the attributes <see cref="From"/> reads.</summary>
    public static readonly IReadOnlyList<string> AttributeNames =
        ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"];

    /// <summary>The depth in GetQueueAttributes' answer; a missing or unreadable count is 0.</summary>
    public static QueueDepth From(Dictionary<string, string>? attributes)
    {
        long Read(string name) =>
            attributes is not null && attributes.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
        return new QueueDepth(Read(AttributeNames[0]), Read(AttributeNames[1]), Read(AttributeNames[2]));
    }
}
