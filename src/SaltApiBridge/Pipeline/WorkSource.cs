using SaltApiBridge.Coordination;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Pipeline;

/// <summary>Where a piece of instance work comes from: an SQS message, or a record whose replica is gone (a takeover).</summary>
/// <param name="MessageId">Null for a takeover.</param>
/// <param name="ReceiveCount">The message's ApproximateReceiveCount; 0 for a takeover.</param>
/// <param name="ActionKey">The lifecycle action's key (the hash of its token), when it has one.</param>
internal sealed record WorkSource(string? MessageId, int ReceiveCount, string CorrelationId, string? ActionKey)
{
    public static WorkSource Of(QueueMessage message, string? lifecycleActionToken) =>
        new(message.MessageId, message.ReceiveCount, message.MessageId, ProvisioningRecord.KeyOf(lifecycleActionToken));

    public static WorkSource Takeover(ProvisioningRecord record, string replica) =>
        new(null, 0, "takeover-by-" + replica, record.InProgress?.ActionKey);

    /// <summary>The keys under which finished work is remembered (<see cref="IFinishedWork"/>).</summary>
    public IEnumerable<string> FinishedKeys
    {
        get
        {
            if (MessageId is not null)
                yield return "message:" + MessageId;
            if (ActionKey is not null)
                yield return "action:" + ActionKey;
        }
    }

    /// <summary>How log lines name it.</summary>
    public string Name => MessageId ?? CorrelationId;
}
