namespace SaltApiBridge.Pipeline;

/// <summary>What becomes of a message once its work ends.</summary>
public enum MessageDisposition
{
    /// <summary>Done, or it can never succeed: delete it.</summary>
    Delete,

    /// <summary>A transient failure: leave it, visible again after a backoff; the queue's redrive policy ends it in the dead-letter queue.</summary>
    RetryLater,

    /// <summary>Work was interrupted (shutdown): make it visible at once so another replica takes it.</summary>
    Release,
}
