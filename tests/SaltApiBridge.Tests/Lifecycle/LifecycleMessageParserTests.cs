using SaltApiBridge.Lifecycle;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Lifecycle;

public sealed class LifecycleMessageParserTests
{
    /// <summary>The table in fixtures/messages/README.md, plus what each message must plan to.</summary>
    public static TheoryData<string, LifecycleEventKind, SourceFormat, string?, string, string?, string?, string?, string> Fixtures => new()
    {
        { "direct-launching.json", LifecycleEventKind.Launching, SourceFormat.LifecycleHook, "i-0853dfa8ce1627af9", "DenoTestStack-AutoscalingGroupASG25987EFB-1FXPOBZFMDQTL", "DenoTestStack-AutoscalingGroupLifecycleHookOnLaunch49A664EF-3lhKS3adlUsx", "917070d0-a303-474b-a36c-a5e38a19de5e", "DenoTestStack-AutoscalingGroupASG25987EFB-1FXPOBZFMDQTL-i-0853dfa8ce1627af9", "Act:AcceptKey,Highstate,CompleteLifecycleAction(Continue/Abandon)" },
        { "seed-direct-terminating.json", LifecycleEventKind.Terminating, SourceFormat.LifecycleHook, "i-883a3a42", "exampleAutoScalingGroup", "do-some-work", "4889fcc7-adc6-43ff-a415-46240e2f57dc", "exampleAutoScalingGroup-i-883a3a42", "Act:ApplyStates[clean],CompleteLifecycleAction(Continue/Continue)" },
        { "seed-whole-sqs-message.json", LifecycleEventKind.Terminating, SourceFormat.LifecycleHook, "i-883a3a42", "exampleAutoScalingGroup", "do-some-work", "4889fcc7-adc6-43ff-a415-46240e2f57dc", "exampleAutoScalingGroup-i-883a3a42", "Act:ApplyStates[clean],CompleteLifecycleAction(Continue/Continue)" },
        { "direct-test-notification.json", LifecycleEventKind.Test, SourceFormat.Notification, null, "DenoTestStack-AutoscalingGroupASG25987EFB-1FXPOBZFMDQTL", null, null, null, "AcknowledgeOnly:" },
        { "sns-test-notification.json", LifecycleEventKind.Test, SourceFormat.SnsNotification, null, "org-staging-docker-asg-$INSTANCE_ID", null, null, null, "AcknowledgeOnly:" },
        { "sns-lifecycle-terminating.json", LifecycleEventKind.Terminating, SourceFormat.SnsLifecycleHook, "i-4c87e963", "org-staging-docker-asg-$INSTANCE_ID", "org-staging-docker-lch-$INSTANCE_ID-terminating", "2f346e45-4866-4bf1-a752-f6eea23011c7", null, "Reject:" },
        { "seed-sns-notification-launch.json", LifecycleEventKind.Launched, SourceFormat.SnsNotification, "i-2d125da0", "asg", null, null, "asg-i-2d125da0", "AcknowledgeOnly:" },
        { "raw-notification-launch.json", LifecycleEventKind.Launched, SourceFormat.Notification, "i-01918b2230392f631", "my-asg", null, null, "my-asg-i-01918b2230392f631", "AcknowledgeOnly:" },
        { "raw-notification-terminate.json", LifecycleEventKind.Terminated, SourceFormat.Notification, "i-0bc09f781ddd6f516", "my-asg", null, null, "my-asg-i-0bc09f781ddd6f516", "Act:DeleteKey" },
        { "eventbridge-launch-lifecycle-action.json", LifecycleEventKind.Launching, SourceFormat.EventBridge, "i-1234567890abcdef0", "my-asg", "my-lifecycle-hook", "87654321-4321-4321-4321-210987654321", "my-asg-i-1234567890abcdef0", "Act:AcceptKey,Highstate,CompleteLifecycleAction(Continue/Abandon)" },
        { "eventbridge-terminate-lifecycle-action.json", LifecycleEventKind.Terminating, SourceFormat.EventBridge, "i-1234567890abcdef0", "my-asg", "my-lifecycle-hook", "87654321-4321-4321-4321-210987654321", "my-asg-i-1234567890abcdef0", "Act:ApplyStates[clean],CompleteLifecycleAction(Continue/Continue)" },
        { "eventbridge-launch-successful.json", LifecycleEventKind.Launched, SourceFormat.EventBridge, "i-1234567890abcdef0", "my-auto-scaling-group", null, null, "my-auto-scaling-group-i-1234567890abcdef0", "AcknowledgeOnly:" },
        { "eventbridge-warmpool-launch-into-pool.json", LifecycleEventKind.Launching, SourceFormat.EventBridge, "i-1234567890abcdef0", "my-asg", "my-launch-lifecycle-hook", "71514b9d-6a40-4b26-8523-05e7eEXAMPLE", "my-asg-i-1234567890abcdef0", "Act:AcceptKey,Highstate,CompleteLifecycleAction(Continue/Abandon)" },
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Parse_FixtureMessage_YieldsExpectedEventAndPlan(
        string file, LifecycleEventKind kind, SourceFormat format, string? instance, string group, string? hook, string? token,
        string? minionId, string plan)
    {
        var result = LifecycleMessageParser.Parse(MessageFixtures.Read(file));

        result.IsSuccess.Should().BeTrue(result.RejectReason);
        var e = result.Event!;
        e.Kind.Should().Be(kind);
        e.Format.Should().Be(format);
        e.InstanceId.Should().Be(instance);
        e.AutoScalingGroupName.Should().Be(group);
        e.LifecycleHookName.Should().Be(hook);
        e.LifecycleActionToken.Should().Be(token);

        var actual = new ActionPlanner(new BridgeOptions()).Plan(e);
        actual.MinionId.Should().Be(minionId);
        PlanText.Of(actual).Should().Be(plan);
    }

    [Fact]
    public void Parse_EveryFixture_IsCoveredByTheTable()
    {
        var covered = Fixtures.Select(row => row.Data.Item1).Append("sns-foreign-message.json");
        MessageFixtures.All().Should().BeEquivalentTo(covered);
    }

    [Fact]
    public void Parse_ForeignSnsMessage_IsRejectedWithReason()
    {
        var result = LifecycleMessageParser.Parse(MessageFixtures.Read("sns-foreign-message.json"));

        result.IsSuccess.Should().BeFalse();
        result.RejectReason.Should().Be("the SNS message from arn:aws:sns:us-west-2:123456789012:MyTopic is not JSON: not an Auto Scaling message");
    }

    [Fact]
    public void Parse_DirectLaunching_CarriesWarmPoolFieldsTimeAndRequestId()
    {
        var e = LifecycleMessageParser.Parse(MessageFixtures.Read("direct-launching.json")).Event!;

        e.Origin.Should().Be("EC2");
        e.Destination.Should().Be("AutoScalingGroup");
        e.IntoWarmPool.Should().BeFalse();
        e.Time.Should().Be(new DateTimeOffset(2023, 9, 11, 3, 30, 33, 136, TimeSpan.Zero));
        e.MessageId.Should().Be("5a062a09-2965-8413-43f9-83bd8649c9eb");
    }

    [Fact]
    public void Parse_EventBridge_UsesEventIdMetadataAndWarmPoolDestination()
    {
        var e = LifecycleMessageParser.Parse(MessageFixtures.Read("eventbridge-warmpool-launch-into-pool.json")).Event!;

        e.MessageId.Should().Be("12345678-1234-1234-1234-123456789012");
        e.NotificationMetadata.Should().Be("additional-info");
        e.IntoWarmPool.Should().BeTrue();
        e.Time.Should().Be(new DateTimeOffset(2021, 1, 13, 0, 12, 37, 214, TimeSpan.Zero));
    }

    [Fact]
    public void Parse_EventBridgePlaceholderTime_LeavesTimeNull()
    {
        var e = LifecycleMessageParser.Parse(MessageFixtures.Read("eventbridge-launch-lifecycle-action.json")).Event!;

        e.Time.Should().BeNull();
    }

    [Fact]
    public void Parse_WholeSqsMessage_UsesItsMessageId()
    {
        var e = LifecycleMessageParser.Parse(MessageFixtures.Read("seed-whole-sqs-message.json")).Event!;

        e.MessageId.Should().Be("b3308afb-dad3-4eef-abb9-1d99aa9dd50f");
    }

    [Fact]
    public void Parse_SnsEnvelope_UsesSnsMessageId()
    {
        var e = LifecycleMessageParser.Parse(MessageFixtures.Read("sns-lifecycle-terminating.json")).Event!;

        e.MessageId.Should().Be("c87337ab-c19e-51f2-8a5d-7ab80071cc4b");
    }

    [Theory]
    [InlineData("", "the message body is empty")]
    [InlineData("not json", "the message is not valid JSON")]
    [InlineData("{\"Event\":\"x\"", "the message is not valid JSON")]
    [InlineData("[1,2]", "the message is a JSON array, not an object")]
    [InlineData("\"text\"", "the message is a JSON string, not an object")]
    [InlineData("{}", "not an Auto Scaling message: no LifecycleTransition, Event or detail-type field")]
    [InlineData("{\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_LAUNCHING\",\"AutoScalingGroupName\":\"g\",\"EC2InstanceId\":42,\"LifecycleHookName\":\"h\"}", "lifecycle hook message: field EC2InstanceId must be a string, got number")]
    [InlineData("{\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_LAUNCHING\",\"AutoScalingGroupName\":\"g\",\"LifecycleHookName\":\"h\"}", "lifecycle hook message: field EC2InstanceId is missing")]
    [InlineData("{\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_REBOOTING\",\"AutoScalingGroupName\":\"g\",\"EC2InstanceId\":\"i-12345678\",\"LifecycleHookName\":\"h\"}", "unknown LifecycleTransition 'autoscaling:EC2_INSTANCE_REBOOTING'")]
    [InlineData("{\"Event\":\"autoscaling:SOMETHING\",\"AutoScalingGroupName\":\"g\"}", "unknown Auto Scaling notification Event 'autoscaling:SOMETHING'")]
    [InlineData("{\"detail-type\":\"EC2 Instance State-change Notification\",\"source\":\"aws.ec2\",\"detail\":{}}", "EventBridge event from source 'aws.ec2', not aws.autoscaling")]
    [InlineData("{\"detail-type\":\"EC2 Instance-launch Lifecycle Action\",\"source\":\"aws.autoscaling\",\"detail\":\"x\"}", "EventBridge event: field detail must be an object")]
    [InlineData("{\"Type\":\"Notification\",\"TopicArn\":\"t\",\"Message\":{\"a\":1}}", "field Message of the SNS envelope must be a string")]
    [InlineData("{\"Type\":\"Notification\",\"TopicArn\":\"t\",\"Message\":\"{broken\"}", "the SNS message from t: the message is not valid JSON")]
    public void Parse_BadInput_IsRejectedWithReason(string body, string reasonStart)
    {
        var result = LifecycleMessageParser.Parse(body);

        result.IsSuccess.Should().BeFalse();
        result.RejectReason.Should().StartWith(reasonStart);
    }

    [Fact]
    public void Parse_DeepNesting_IsRejected()
    {
        var body = new string('[', 10_000) + new string(']', 10_000);

        LifecycleMessageParser.Parse(body).RejectReason.Should().Be("the message nests JSON deeper than 16 levels");
    }

    [Fact]
    public void Parse_BodyOverLimit_IsRejected()
    {
        var body = "{\"Event\":\"" + new string('x', 300 * 1024) + "\"}";

        LifecycleMessageParser.Parse(body).RejectReason.Should().Be("the message body is larger than 256 KiB");
    }

    [Fact]
    public void Parse_MultiByteBodyOverLimitInBytes_IsRejected()
    {
        // 100k chars of 3 bytes each: under the limit in chars, over it in UTF-8 bytes.
        var body = "{\"Event\":\"" + new string('€', 100_000) + "\"}";

        LifecycleMessageParser.Parse(body).RejectReason.Should().Be("the message body is larger than 256 KiB");
    }

    [Fact]
    public void Parse_LoneSurrogate_IsRejectedOrParsedWithoutThrowing()
    {
        var body = "{\"LifecycleTransition\":\"autoscaling:EC2_INSTANCE_LAUNCHING\",\"AutoScalingGroupName\":\"g\uD800\",\"EC2InstanceId\":\"i-12345678\",\"LifecycleHookName\":\"h\"}";

        var result = LifecycleMessageParser.Parse(body);

        // Either way, the group cannot become a minion id.
        if (result.IsSuccess)
            new ActionPlanner(new BridgeOptions()).Plan(result.Event).Verdict.Should().Be(PlanVerdict.Reject);
    }
}
