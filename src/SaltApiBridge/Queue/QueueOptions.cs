namespace SaltApiBridge.Queue;

/// <summary>The SQS queue the bridge polls (configuration section "Queue").</summary>
public sealed class QueueOptions
{
    public const string SectionName = "Queue";

    /// <summary>The queue's URL. Either this or <see cref="QueueName"/>.</summary>
    public string? QueueUrl { get; set; }

    /// <summary>The queue's name, resolved to its URL at start.</summary>
    public string? QueueName { get; set; }

    /// <summary>The AWS region; empty: the SDK's resolution (AWS_REGION, profile, instance metadata).</summary>
    public string? Region { get; set; }

    /// <summary>An endpoint override (VPC endpoint, FIPS, or a local emulator).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Long-poll wait, 0–20 s.</summary>
    public int WaitTimeSeconds { get; set; } = 20;

    /// <summary>Messages per receive, 1–10; fewer are asked for when the pipeline has fewer free slots.</summary>
    public int MaxMessages { get; set; } = 10;

    /// <summary>Concurrent long polls.</summary>
    public int Pollers { get; set; } = 2;

    /// <summary>The visibility each extension grants an in-flight message, in seconds.</summary>
    public int VisibilityTimeoutSeconds { get; set; } = 120;
}
