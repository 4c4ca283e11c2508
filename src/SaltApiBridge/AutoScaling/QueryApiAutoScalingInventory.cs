using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// <see cref="IAutoScalingInventory"/> over the signed Query API. Lists follow NextToken to the end; any failed,
/// unreadable or endless page throws, so a caller never acts on part of the answer.
/// </summary>
internal sealed class QueryApiAutoScalingInventory(QueryApiTransport transport, ILogger<QueryApiAutoScalingInventory> logger)
    : IAutoScalingInventory
{
    public const string DescribeInstancesAction = "DescribeAutoScalingInstances";
    public const string DescribeHooksAction = "DescribeLifecycleHooks";
    public const string DescribeGroupsAction = "DescribeAutoScalingGroups";

    /// <summary>AWS's limits: 50 instance ids per call, 50 group names per call (100 records per page).</summary>
    private const int InstanceIdsPerCall = 50;
    private const int GroupNamesPerCall = 50;
    private const int MaxPages = 1000;

    public async Task<IReadOnlyList<AutoScalingInstance>> DescribeInstancesAsync(
        IReadOnlyCollection<string> instanceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        var found = new List<AutoScalingInstance>();
        foreach (var batch in instanceIds.Distinct(StringComparer.Ordinal).Chunk(InstanceIdsPerCall))
        {
            var form = Form(DescribeInstancesAction, "InstanceIds", batch);
            form["MaxRecords"] = "50";
            var subject = batch.Length == 1 ? "for instance " + batch[0] : $"for {batch.Length} instances";
            await foreach (var page in PagesAsync(DescribeInstancesAction, subject, form, cancellationToken))
                found.AddRange(AutoScalingXml.ReadInstanceDetails(page));
        }

        return found;
    }

    public async Task<IReadOnlyList<LifecycleHookSettings>> DescribeLifecycleHooksAsync(string group, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        var form = Form(DescribeHooksAction, null, []);
        form["AutoScalingGroupName"] = group;
        var result = await CallAsync(DescribeHooksAction, $"for group {group}", form, cancellationToken);
        return AutoScalingXml.ReadLifecycleHooks(result);
    }

    public async Task<GroupInventory> DescribeGroupsAsync(IReadOnlyCollection<string> groups, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(groups);
        // An empty name list would describe every group of the account: never what a caller of this means.
        ArgumentOutOfRangeException.ThrowIfZero(groups.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var instances = new List<AutoScalingInstance>();
        foreach (var batch in groups.Distinct(StringComparer.Ordinal).Chunk(GroupNamesPerCall))
        {
            var form = Form(DescribeGroupsAction, "AutoScalingGroupNames", batch);
            form["MaxRecords"] = "100";
            await foreach (var page in PagesAsync(DescribeGroupsAction, $"for {batch.Length} group(s)", form, cancellationToken))
            {
                foreach (var (group, members) in AutoScalingXml.ReadGroups(page))
                {
                    names.Add(group);
                    instances.AddRange(members);
                }
            }
        }

        logger.GroupsDescribed(names.Count, instances.Count);
        return new GroupInventory(names, instances);
    }

    private async IAsyncEnumerable<XElement> PagesAsync(
        string apiAction, string subject, Dictionary<string, string> form,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var result = await CallAsync(apiAction, subject, form, cancellationToken);
            yield return result;
            if (AutoScalingXml.NextToken(result) is not { } next)
                yield break;
            if (page >= MaxPages || !seen.Add(next))
            {
                throw new AutoScalingException(
                    $"Auto Scaling {apiAction} {subject}: paging does not end (page {page.ToString(CultureInfo.InvariantCulture)}); the answer cannot be trusted as complete.",
                    isTransient: false, "UnreadableAnswer");
            }

            form["NextToken"] = next;
        }
    }

    private async Task<XElement> CallAsync(string apiAction, string subject, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var (status, body) = await transport.PostAsync(apiAction, subject, form, cancellationToken);
        if ((int)status is >= 200 and < 300)
        {
            return AutoScalingXml.TryParseResult(body, apiAction) ?? throw QueryApiTransport.NotAnAnswer(apiAction, subject, status);
        }

        var error = AutoScalingXml.TryParseError(body);
        var exception = QueryApiTransport.Rejected(apiAction, subject, status, error);
        logger.DescribeFailed(apiAction, subject, exception.ErrorCode ?? "(no code)", (int)status, exception.IsTransient, error?.RequestId);
        throw exception;
    }

    private static Dictionary<string, string> Form(string apiAction, string? listName, string[] members)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Action"] = apiAction,
            ["Version"] = QueryApiTransport.ApiVersion,
        };
        for (var i = 0; i < members.Length; i++)
            form[$"{listName}.member.{(i + 1).ToString(CultureInfo.InvariantCulture)}"] = members[i];
        return form;
    }
}
