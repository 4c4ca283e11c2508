using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SaltApiBridge.Cli;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>The messages of the chaos scenarios, built like AWS sends them (<see cref="SampleMessages"/>).</summary>
internal static class ChaosMessages
{
    public const string Group = "web-asg";
    public const string LaunchHook = "provision";
    public const string TerminateHook = "clean-up";
    public const string Continue = "CONTINUE";
    public const string Abandon = "ABANDON";

    private const string Launching = "autoscaling:EC2_INSTANCE_LAUNCHING";
    private const string Terminating = "autoscaling:EC2_INSTANCE_TERMINATING";

    public static string InstanceId(int n) => $"i-{n:x17}";

    public static string MinionId(int n) => $"{Group}-{InstanceId(n)}";

    /// <summary>A UUID-shaped token, stable per kind and instance.</summary>
    public static string Token(string kind, int n) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{kind}/{n}")).AsSpan(0, 16)).ToString();

    /// <summary>A launch hook, sent directly, through SNS or as an EventBridge event (<paramref name="format"/> 0, 1, 2).</summary>
    public static ChaosMessage Launch(int n, string result = Continue, int format = 0)
    {
        var token = Token("launch", n);
        var hook = SampleMessages.LifecycleHook(Launching, Group, InstanceId(n), LaunchHook, token);
        var body = (format % 3) switch
        {
            1 => SampleMessages.InSnsEnvelope(hook, $"arn:aws:sns:us-east-1:123456789012:asg-{n % 4}", Token("sns", n)),
            2 => SampleMessages.EventBridge("EC2 Instance-launch Lifecycle Action", Launching, Group, InstanceId(n), LaunchHook, token),
            _ => hook,
        };
        return new ChaosMessage($"launch {InstanceId(n)}", body, Expectation.CompleteAction, Group, LaunchHook, token, MinionId(n), result, Launch: true);
    }

    /// <summary>A launch whose body carries this much notification metadata (a huge but valid message).</summary>
    public static ChaosMessage LaunchWithMetadata(int n, int metadataChars)
    {
        var message = Launch(n);
        var body = JsonNode.Parse(message.Body)!.AsObject();
        body["NotificationMetadata"] = new string('m', metadataChars);
        return message with { Label = $"launch {InstanceId(n)} with {metadataChars / 1024} KiB of metadata", Body = body.ToJsonString() };
    }

    public static ChaosMessage Terminate(int n)
    {
        var token = Token("terminate", n);
        return new ChaosMessage(
            $"terminate {InstanceId(n)}", SampleMessages.LifecycleHook(Terminating, Group, InstanceId(n), TerminateHook, token),
            Expectation.CompleteAction, Group, TerminateHook, token, MinionId(n), Continue);
    }

    public static ChaosMessage Terminated(int n) =>
        new($"terminated {InstanceId(n)}", SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, InstanceId(n)),
            Expectation.DeleteKey, Group, MinionId: MinionId(n));

    public static ChaosMessage TestNotification(int n) =>
        new($"test notification {n}", SampleMessages.Notification("autoscaling:TEST_NOTIFICATION", Group + "-" + n, null), Expectation.Acknowledge);

    public static ChaosMessage Rejected(string label, string body) => new(label, body, Expectation.Reject);

    /// <summary>A launch hook with the given field values as raw JSON (wrong types, hostile names).</summary>
    public static string HookWith(string transition = $"\"{Launching}\"", string group = $"\"{Group}\"", string instance = "\"i-0000000000000c0de\"",
        string hook = $"\"{LaunchHook}\"", string token = "\"5f1c6a2e-8d3b-4f7a-9c0e-2b4d6f8a1c3e\"", string metadata = "\"\"") =>
        $$"""{"Origin":"EC2","Destination":"AutoScalingGroup","LifecycleHookName":{{hook}},"AccountId":"123456789012","RequestId":"d1a2","LifecycleTransition":{{transition}},"AutoScalingGroupName":{{group}},"Service":"AWS Auto Scaling","Time":"2026-11-25T10:00:00.000Z","EC2InstanceId":{{instance}},"LifecycleActionToken":{{token}},"NotificationMetadata":{{metadata}}}""";
}
