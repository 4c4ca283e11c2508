using SaltApiBridge.Cli;

namespace SaltApiBridge.Benchmarks.Harness;

internal static class BenchMessages
{
    public const string Group = "bench-asg";

    public static string InstanceId(int n) => $"i-{n:x17}";

    public static string MinionId(int n) => $"{Group}-{InstanceId(n)}";

    public static string Token(int n) => $"00000000-0000-4000-8000-{n:x12}";

    /// <summary>EC2_INSTANCE_TERMINATE notifications (the key is deleted) of instances numbered from <paramref name="first"/>.</summary>
    public static IReadOnlyList<string> Terminations(int count, int first) =>
        [.. Enumerable.Range(first, count).Select(i => SampleMessages.Notification("autoscaling:EC2_INSTANCE_TERMINATE", Group, InstanceId(i)))];

    /// <summary>Launch hooks of distinct instances, numbered from <paramref name="first"/>.</summary>
    public static IReadOnlyList<string> Launches(int count, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i =>
            SampleMessages.LifecycleHook("autoscaling:EC2_INSTANCE_LAUNCHING", Group, InstanceId(i), "provision", Token(i)))];
}
