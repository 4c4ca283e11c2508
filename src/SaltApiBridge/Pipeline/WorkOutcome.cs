namespace SaltApiBridge.Pipeline;

/// <summary>The end of one message's work: what to do with the message, and a one-line summary for logs and the demo.</summary>
/// <param name="Delay">For <see cref="MessageDisposition.RetryLater"/>: a delay other than the backoff, if any.</param>
public sealed record WorkOutcome(MessageDisposition Disposition, string Result, string Summary, TimeSpan? Delay = null)
{
    public static WorkOutcome Done(string result, string summary) => new(MessageDisposition.Delete, result, summary);

    public static WorkOutcome Retry(string summary, TimeSpan? delay = null) => new(MessageDisposition.RetryLater, "retry", summary, delay);

    public static WorkOutcome Released(string summary) => new(MessageDisposition.Release, "released", summary);
}
