using System.Reflection;
using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Hosting;

/// <summary>
/// What the daemon says of itself at start, one line: its version, the queue, the masters (names and URLs, never
/// credentials), the groups it acts for and where it keeps its records (the coordination store). A part is one more
/// property here and one more field of <see cref="HostingLog.Starting"/>.
/// </summary>
internal sealed record StartLine(string Version, string Queue, string Masters, string Groups, string Records)
{
    /// <summary>The assembly's informational version (the build stamps it).</summary>
    public static string CurrentVersion { get; } =
        typeof(StartLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static StartLine Of(QueueOptions queue, SaltApiOptions salt, BridgeOptions bridge, PipelineOptions pipeline, CoordinationOptions? coordination = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(salt);
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentNullException.ThrowIfNull(pipeline);
        coordination ??= new CoordinationOptions();
        var masters = new[] { $"{salt.Name} {salt.BaseUrl}" }.Concat(salt.Masters.Select(m => $"{m.Key} {m.Value.BaseUrl}"));
        var groups = bridge.Groups.Count == 0 ? "every group" : string.Join(", ", bridge.Groups);
        if (bridge.GoldenImageGroups.Count > 0)
            groups += $" (golden image: {string.Join(", ", bridge.GoldenImageGroups)})";
        return new StartLine(
            CurrentVersion,
            queue.QueueUrl is { Length: > 0 } url ? url : $"{queue.QueueName} ({queue.Region ?? "the SDK's region"})",
            string.Join(", ", masters),
            groups,
            coordination.Store == CoordinationStoreKind.DynamoDb
                ? $"DynamoDB table {coordination.TableName} (replica {coordination.EffectiveReplicaName})"
                : pipeline.RecordDirectory is { Length: > 0 } directory ? directory : "in memory");
    }
}
