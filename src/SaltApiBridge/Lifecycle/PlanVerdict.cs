namespace SaltApiBridge.Lifecycle;

public enum PlanVerdict
{
    /// <summary>Run the steps, then acknowledge the message.</summary>
    Act,

    /// <summary>Nothing to do (test or informational event): acknowledge the message.</summary>
    AcknowledgeOnly,

    /// <summary>The message can never be acted on (invalid names, group not managed here): log, count, acknowledge.</summary>
    Reject,
}
