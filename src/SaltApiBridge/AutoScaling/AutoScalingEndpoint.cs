using Amazon;
using Amazon.Runtime;

namespace SaltApiBridge.AutoScaling;

/// <summary>Where Auto Scaling calls go and which region they are signed for.</summary>
internal sealed record AutoScalingEndpoint(Uri BaseAddress, string SigningRegion)
{
    public const string SigningService = "autoscaling";

    /// <summary>
    /// Region from options, else from the SDK (AWS_REGION, profile, instance metadata). The address is
    /// <see cref="AutoScalingOptions.ServiceUrl"/> when set (VPC endpoints, FIPS, tests), else the regional endpoint.
    /// </summary>
    public static AutoScalingEndpoint Resolve(AutoScalingOptions options, Func<string?> sdkRegion)
    {
        var region = string.IsNullOrWhiteSpace(options.Region) ? sdkRegion() : options.Region;
        if (string.IsNullOrWhiteSpace(region))
        {
            throw new AutoScalingException(
                "AutoScaling:Region is not set and the AWS SDK found no region (AWS_REGION, profile, instance metadata): set one.",
                isTransient: false);
        }

        var address = string.IsNullOrWhiteSpace(options.ServiceUrl)
            ? new Uri($"https://autoscaling.{region}.{RegionEndpoint.GetBySystemName(region).PartitionDnsSuffix}/")
            : new Uri(options.ServiceUrl);
        return new AutoScalingEndpoint(address, region);
    }

    /// <summary>The SDK's region resolution; null when it finds none.</summary>
    public static string? SdkRegion() => FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
}
