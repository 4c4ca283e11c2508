namespace SaltApiBridge.AutoScaling;

/// <summary>An Auto Scaling call failed. <see cref="IsTransient"/> tells whether trying later may succeed.</summary>
public sealed class AutoScalingException(string message, bool isTransient, string? errorCode = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool IsTransient { get; } = isTransient;

    /// <summary>AWS's error code (ValidationError, Throttling, AccessDenied, …) when AWS answered.</summary>
    public string? ErrorCode { get; } = errorCode;
}
