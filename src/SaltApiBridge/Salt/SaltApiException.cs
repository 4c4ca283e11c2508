namespace SaltApiBridge.Salt;

/// <summary>
/// A salt-api call failed. The message is meant for an operator (what failed and how to fix it) and never
/// contains a token or password. <see cref="IsTransient"/> tells whether trying later may succeed.
/// </summary>
public class SaltApiException(string message, bool isTransient, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool IsTransient { get; } = isTransient;
}
