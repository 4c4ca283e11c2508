using System.Text.Json.Nodes;

namespace SaltApiBridge.Cli;

/// <summary>
/// Realistic Auto Scaling messages built in code (for <c>explain --sample</c> and the demo), shaped after the formats
/// AWS sends: field names, value shapes and the SNS envelope's double encoding.
/// </summary>
public static class SampleMessages
{
    public static IReadOnlyList<string> Names { get; } = ["launching", "terminating", "terminated", "test", "sns-launching", "eventbridge-launching"];

    public static string? ByName(string name) => name switch
    {
        "launching" => LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", "web-asg", "i-0123456789abcdef0", "provision", "5f1c6a2e-8d3b-4f7a-9c0e-2b4d6f8a1c3e"),
        "terminating" => LifecycleHook("autoscaling:EC2_INSTANCE_TERMINATING", "web-asg", "i-0123456789abcdef0", "clean-up", "0b7e3c9a-1f2d-4e5b-8a6c-7d9e1f3a5b7c"),
        "terminated" => Notification("autoscaling:EC2_INSTANCE_TERMINATE", "web-asg", "i-0123456789abcdef0"),
        "test" => Notification("autoscaling:TEST_NOTIFICATION", "web-asg", null),
        "sns-launching" => InSnsEnvelope(LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", "web-asg", "i-0fedcba9876543210", "provision", "9d8c7b6a-5f4e-4d3c-2b1a-0f9e8d7c6b5a"), "arn:aws:sns:eu-west-1:123456789012:saltapibridge", "3c1e2d4f-6a5b-4c7d-8e9f-0a1b2c3d4e5f"),
        "eventbridge-launching" => EventBridge("EC2 Instance-launch Lifecycle Action", "autoscaling:EC2_INSTANCE_LAUNCHING", "web-asg", "i-00000000000000abc", "provision", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
        _ => null,
    };

    public static string LifecycleHook(string transition, string group, string instanceId, string hook, string token, DateTimeOffset? time = null) =>
        new JsonObject
        {
            ["Origin"] = transition.EndsWith("LAUNCHING", StringComparison.Ordinal) ? "EC2" : "AutoScalingGroup",
            ["Destination"] = transition.EndsWith("LAUNCHING", StringComparison.Ordinal) ? "AutoScalingGroup" : "EC2",
            ["LifecycleHookName"] = hook,
            ["AccountId"] = "123456789012",
            ["RequestId"] = DeterministicId(token),
            ["LifecycleTransition"] = transition,
            ["AutoScalingGroupName"] = group,
            ["Service"] = "AWS Auto Scaling",
            ["Time"] = Timestamp(time),
            ["EC2InstanceId"] = instanceId,
            ["LifecycleActionToken"] = token,
        }.ToJsonString();

    public static string Notification(string eventName, string group, string? instanceId, DateTimeOffset? time = null)
    {
        var body = new JsonObject
        {
            ["AccountId"] = "123456789012",
            ["RequestId"] = DeterministicId(eventName + group + instanceId),
            ["AutoScalingGroupARN"] = $"arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:8dc6c859-8cbd-4549-94f1-72678f7a5a0a:autoScalingGroupName/{group}",
            ["AutoScalingGroupName"] = group,
            ["Service"] = "AWS Auto Scaling",
            ["Event"] = eventName,
            ["Time"] = Timestamp(time),
        };
        if (instanceId is not null)
        {
            body["EC2InstanceId"] = instanceId;
            body["Description"] = (eventName.Contains("TERMINATE", StringComparison.Ordinal) ? "Terminating EC2 instance: " : "Launching a new EC2 instance: ") + instanceId;
            body["StatusCode"] = "InProgress";
            body["Progress"] = 50;
        }

        return body.ToJsonString();
    }

    public static string InSnsEnvelope(string message, string topicArn, string messageId) =>
        new JsonObject
        {
            ["Type"] = "Notification",
            ["MessageId"] = messageId,
            ["TopicArn"] = topicArn,
            ["Subject"] = "Auto Scaling: Lifecycle action",
            ["Message"] = message,
            ["Timestamp"] = "2026-11-25T10:00:00.000Z",
            ["SignatureVersion"] = "1",
            ["Signature"] = "EXAMPLE",
            ["SigningCertURL"] = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-example.pem",
            ["UnsubscribeURL"] = "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + topicArn + ":example",
        }.ToJsonString();

    public static string EventBridge(string detailType, string transition, string group, string instanceId, string hook, string token) =>
        new JsonObject
        {
            ["version"] = "0",
            ["id"] = DeterministicId(token + detailType),
            ["detail-type"] = detailType,
            ["source"] = "aws.autoscaling",
            ["account"] = "123456789012",
            ["time"] = "2026-11-25T10:00:00Z",
            ["region"] = "eu-west-1",
            ["resources"] = new JsonArray($"arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:8dc6c859-8cbd-4549-94f1-72678f7a5a0a:autoScalingGroupName/{group}"),
            ["detail"] = new JsonObject
            {
                ["LifecycleActionToken"] = token,
                ["AutoScalingGroupName"] = group,
                ["LifecycleHookName"] = hook,
                ["EC2InstanceId"] = instanceId,
                ["LifecycleTransition"] = transition,
                ["Origin"] = "EC2",
                ["Destination"] = "AutoScalingGroup",
            },
        }.ToJsonString();

    private static string Timestamp(DateTimeOffset? time) =>
        (time ?? new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A stable UUID-shaped id from a seed, so samples are reproducible.</summary>
    private static string DeterministicId(string seed)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
