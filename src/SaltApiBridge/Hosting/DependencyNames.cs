namespace SaltApiBridge.Hosting;

/// <summary>
/// The names of the daemon's dependencies in <see cref="DependencyOutages"/>, <see cref="RetryMetrics"/> and their
/// metrics' <c>dependency</c> label: one per salt-api master, SQS, Auto Scaling, the coordination store.
/// </summary>
public static class DependencyNames
{
    public const string Sqs = "sqs";

    public const string AutoScaling = "autoscaling";

    public const string CoordinationStore = "coordination_store";

    /// <summary>The salt-api of master <paramref name="master"/> (<c>SaltApi:Name</c> or its key under <c>SaltApi:Masters</c>).</summary>
    public static string SaltApi(string master) => "salt-api " + master;
}
