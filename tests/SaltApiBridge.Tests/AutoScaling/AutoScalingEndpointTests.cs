using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

public sealed class AutoScalingEndpointTests
{
    [Theory]
    [InlineData("eu-west-1", "https://autoscaling.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://autoscaling.cn-north-1.amazonaws.com.cn/")]
    public void Resolve_Region_UsesTheRegionalEndpoint(string region, string expected)
    {
        var endpoint = AutoScalingEndpoint.Resolve(new AutoScalingOptions { Region = region }, () => "us-east-1");

        endpoint.Should().Be(new AutoScalingEndpoint(new Uri(expected), region));
    }

    [Fact]
    public void Resolve_ServiceUrl_OverridesTheAddressButNotTheSigningRegion()
    {
        var endpoint = AutoScalingEndpoint.Resolve(
            new AutoScalingOptions { Region = "us-east-1", ServiceUrl = "https://autoscaling-fips.us-east-1.amazonaws.com" }, () => null);

        endpoint.BaseAddress.Should().Be(new Uri("https://autoscaling-fips.us-east-1.amazonaws.com/"));
        endpoint.SigningRegion.Should().Be("us-east-1");
    }

    [Fact]
    public void Resolve_NoRegionConfigured_AsksTheSdk()
    {
        AutoScalingEndpoint.Resolve(new AutoScalingOptions(), () => "ap-southeast-2").Should()
            .Be(new AutoScalingEndpoint(new Uri("https://autoscaling.ap-southeast-2.amazonaws.com/"), "ap-southeast-2"));
    }

    [Fact]
    public void Resolve_NoRegionAnywhere_FailsSayingWhatToSet()
    {
        var act = () => AutoScalingEndpoint.Resolve(new AutoScalingOptions(), () => null);

        act.Should().Throw<AutoScalingException>().Which.Message.Should().Contain("AutoScaling:Region");
    }
}
