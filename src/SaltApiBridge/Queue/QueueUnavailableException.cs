namespace SaltApiBridge.Queue;

/// <summary>The queue cannot be used at all (it does not exist, or access is denied): the operator must act.</summary>
public sealed class QueueUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
