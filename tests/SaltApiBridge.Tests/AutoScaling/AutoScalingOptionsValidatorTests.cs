using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

public sealed class AutoScalingOptionsValidatorTests
{
    private readonly AutoScalingOptionsValidator validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        validator.Validate(null, new AutoScalingOptions()).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("eu-west-1", "https://vpce-0123-abcd.autoscaling.eu-west-1.vpce.amazonaws.com")]
    [InlineData("us-gov-west-1", "https://autoscaling-fips.us-gov-west-1.amazonaws.com")]
    [InlineData("cn-north-1", "http://127.0.0.1:4566")]
    [InlineData("il-central-1", "http://localhost:4566/")]
    public void Validate_GoodRegionAndServiceUrl_Succeeds(string region, string serviceUrl)
    {
        validator.Validate(null, new AutoScalingOptions { Region = region, ServiceUrl = serviceUrl }).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void Validate_EverythingWrong_ListsEveryProblem()
    {
        var result = validator.Validate(null, new AutoScalingOptions
        {
            Region = "Ireland",
            ServiceUrl = "http://autoscaling.example.com",
            HeartbeatInterval = TimeSpan.FromHours(3),
            MaxRetryAttempts = 0,
            RetryBaseDelay = TimeSpan.FromMinutes(5),
            AttemptTimeout = TimeSpan.Zero,
            HookCacheDuration = TimeSpan.FromHours(2),
        });

        result.Failed.Should().BeTrue();
        result.Failures.Should().HaveCount(7);
        result.Failures.Should().Contain(f => f.StartsWith("AutoScaling:Region 'Ireland'", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("AutoScaling:ServiceUrl 'http://autoscaling.example.com'", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("AutoScaling:HeartbeatInterval", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("AutoScaling:MaxRetryAttempts", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("AutoScaling:RetryBaseDelay", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("AutoScaling:AttemptTimeout", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("AutoScaling:HookCacheDuration", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NoHeartbeatInterval_SucceedsAsItIsDerivedFromEachHook() =>
        validator.Validate(null, new AutoScalingOptions { HeartbeatInterval = null }).Succeeded.Should().BeTrue();

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://autoscaling.eu-west-1.amazonaws.com")]
    [InlineData("https://autoscaling.eu-west-1.amazonaws.com/?x=1")]
    public void Validate_BadServiceUrl_Fails(string serviceUrl)
    {
        validator.Validate(null, new AutoScalingOptions { ServiceUrl = serviceUrl }).Failures.Should().ContainSingle()
            .Which.Should().StartWith("AutoScaling:ServiceUrl");
    }
}
