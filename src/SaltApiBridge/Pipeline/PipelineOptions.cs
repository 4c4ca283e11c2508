using SaltApiBridge.Coordination.Local;
namespace SaltApiBridge.Pipeline;

/// <summary>How messages flow and fail (configuration section "Pipeline").</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>Messages received and not yet settled, at most. Pollers ask SQS only for free slots.</summary>
    public int MaxInFlight { get; set; } = 32;

    /// <summary>How long a finished message id or lifecycle token is remembered, so a duplicate delivery is recognised.</summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>At most this many finished message ids and tokens are remembered (the oldest are forgotten first).</summary>
    public int DeduplicationCapacity { get; set; } = CompletedWork.DefaultCapacity;

    /// <summary>Attempts per Salt step (key accept, highstate, clean) before the failure policy applies.</summary>
    public int StepAttempts { get; set; } = 2;

    /// <summary>Pause between attempts of a Salt step.</summary>
    public TimeSpan StepRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>What a failed provisioning does: complete the action (with Bridge:LaunchFailureResult), or leave the message for redelivery and, in the end, the dead-letter queue.</summary>
    public FailurePolicy FailurePolicy { get; set; } = FailurePolicy.CompleteLifecycleAction;

    /// <summary>First delay before a message that failed transiently is received again; doubled per receive.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest delay before a failed message is received again.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>On stop: how long in-flight work may finish before it is released to another replica.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often in-flight messages are looked at (must be shorter than the queue's visibility timeout): each is extended at the first look, then once less than half of its visibility is left.</summary>
    public TimeSpan VisibilityExtensionInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deletes are batched (up to 10) for at most this long.</summary>
    public TimeSpan DeleteBatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A directory for per-instance lock files, so replicas on one master host never work on one instance at once. Empty: no cross-process lock.</summary>
    public string? LockDirectory { get; set; }

    /// <summary>
    /// A directory for one small JSON record per minion (the action being worked on, the highstate's jid, the last
    /// successful provisioning), so work resumes after a restart without a second highstate and reconcile can tell
    /// provisioned instances from strays. Empty: records live in memory only.
    /// </summary>
    public string? RecordDirectory { get; set; }

    /// <summary>How long to wait before retrying a message whose instance another replica is working on.</summary>
    public TimeSpan LockedRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
