using System.Text.Json;

namespace SaltApiBridge.Queue;

/// <summary>A queue's RedrivePolicy attribute: <c>{"deadLetterTargetArn": "arn:aws:sqs:…", "maxReceiveCount": …}</c>.</summary>
public static class RedrivePolicy
{
    /// <summary>The dead-letter queue's ARN; null without a policy or with one that does not name it.</summary>
    public static string? DeadLetterArn(Dictionary<string, string>? attributes)
    {
        if (attributes is null || !attributes.TryGetValue("RedrivePolicy", out var policy) || string.IsNullOrWhiteSpace(policy))
            return null;
        try
        {
            using var document = JsonDocument.Parse(policy);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("deadLetterTargetArn", out var arn) && arn.ValueKind == JsonValueKind.String
                ? arn.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
