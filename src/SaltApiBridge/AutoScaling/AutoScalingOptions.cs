namespace SaltApiBridge.AutoScaling;

/// <summary>The "AutoScaling" configuration section.</summary>
public sealed class AutoScalingOptions
{
    public const string SectionName = "AutoScaling";

    /// <summary>Region of the Auto Scaling groups, e.g. eu-west-1. Empty: the AWS SDK's resolution (AWS_REGION, profile, instance metadata).</summary>
    public string? Region { get; set; }

    /// <summary>Endpoint override (VPC endpoint, FIPS endpoint, tests). Empty: https://autoscaling.{region}.amazonaws.com.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// How often a lifecycle action gets a heartbeat while Salt works. Empty (the default): a third of the hook's
    /// HeartbeatTimeout (DescribeLifecycleHooks), with jitter. When set it must be shorter than every hook's timeout.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How long DescribeLifecycleHooks answers are reused.</summary>
    public TimeSpan HookCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retries after a throttled, 5xx or failed-to-connect call.</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time limit of one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
