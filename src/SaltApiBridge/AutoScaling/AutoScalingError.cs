namespace SaltApiBridge.AutoScaling;

/// <summary>The Query API's ErrorResponse: Error/Type, Error/Code, Error/Message and RequestId.</summary>
internal sealed record AutoScalingError(string? Type, string Code, string Message, string? RequestId);
