namespace SaltApiBridge.Coordination;

/// <summary>
/// The coordination store could not answer (unreachable, 5xx, throttled) or refused (a missing IAM right, a missing
/// table). Transient failures are retried with backoff; while the store is down no new instance work starts.
/// </summary>
public sealed class CoordinationStoreException(string message, bool isTransient, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool IsTransient { get; } = isTransient;
}
