using SaltApiBridge.Queue;

namespace SaltApiBridge.Tests.Queue;

public sealed class RedrivePolicyTests
{
    [Fact]
    public void DeadLetterArn_PolicyAsSqsWritesIt_TheTargetArn() =>
        RedrivePolicy.DeadLetterArn(new() { ["RedrivePolicy"] = """{"deadLetterTargetArn":"arn:aws:sqs:eu-west-1:123456789012:saltapibridge-lifecycle-dlq","maxReceiveCount":5}""" })
            .Should().Be("arn:aws:sqs:eu-west-1:123456789012:saltapibridge-lifecycle-dlq");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"maxReceiveCount":"5"}""")]
    [InlineData("""["arn:aws:sqs:eu-west-1:123456789012:dlq"]""")]
    public void DeadLetterArn_NoUsablePolicy_Null(string? policy) =>
        RedrivePolicy.DeadLetterArn(policy is null ? [] : new() { ["RedrivePolicy"] = policy }).Should().BeNull();
}
