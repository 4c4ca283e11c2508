using System.Net;

namespace SaltApiBridge.Cli.DryRun;

/// <summary>
/// AWS Auto Scaling's Query API, in process, for <c>replay --dry-run</c>: the launching instance waits in Pending:Wait
/// until its action is completed; hooks have AWS's defaults; completions and heartbeats succeed, in the XML shapes of
/// AWS's API reference (as the simulated Auto Scaling of the tests answers them).
/// </summary>
internal sealed class DryRunAutoScaling
{
    private const string Namespace = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

    private readonly Dictionary<string, (string Group, string State)> instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <param name="token">The token of its pending lifecycle action, so that completing it moves the instance on.</param>
    public void AddInstance(string group, string instanceId, string? token)
    {
        lock (gate)
        {
            instances[instanceId] = (group, "Pending:Wait");
            if (token is not null)
                tokens[token] = instanceId;
        }
    }

    public DryRunReply Answer(string body)
    {
        var form = body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .GroupBy(kv => WebUtility.UrlDecode(kv[0]), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => WebUtility.UrlDecode(g.First().ElementAtOrDefault(1) ?? ""), StringComparer.Ordinal);
        var action = form.GetValueOrDefault("Action", "");
        lock (gate)
        {
            switch (action)
            {
                case "DescribeAutoScalingInstances":
                    var members = string.Concat(form.Where(kv => kv.Key.StartsWith("InstanceIds.member.", StringComparison.Ordinal))
                        .Select(kv => kv.Value)
                        .Where(instances.ContainsKey)
                        .Select(id => $"<member><InstanceId>{id}</InstanceId><AutoScalingGroupName>{Escape(instances[id].Group)}</AutoScalingGroupName>"
                            + $"<AvailabilityZone>eu-west-1a</AvailabilityZone><LifecycleState>{instances[id].State}</LifecycleState><HealthStatus>HEALTHY</HealthStatus>"
                            + "<ProtectedFromScaleIn>false</ProtectedFromScaleIn><InstanceType>t3.micro</InstanceType></member>"));
                    return Result(action, $"<AutoScalingInstances>{members}</AutoScalingInstances>");
                case "DescribeLifecycleHooks":
                    var group = Escape(form.GetValueOrDefault("AutoScalingGroupName", ""));
                    return Result(action, "<LifecycleHooks>"
                        + Hook(group, "provision", "autoscaling:EC2_INSTANCE_LAUNCHING", "ABANDON")
                        + Hook(group, "clean-up", "autoscaling:EC2_INSTANCE_TERMINATING", "CONTINUE")
                        + "</LifecycleHooks>");
                case "DescribeAutoScalingGroups":
                    return Result(action, "<AutoScalingGroups/>");
                case "CompleteLifecycleAction":
                    if ((form.GetValueOrDefault("InstanceId") ?? tokens.GetValueOrDefault(form.GetValueOrDefault("LifecycleActionToken", ""))) is { } id
                        && instances.TryGetValue(id, out var instance))
                        instances[id] = (instance.Group, form.GetValueOrDefault("LifecycleActionResult") == "CONTINUE" ? "InService" : "Terminated");
                    return Result(action, "");
                case "RecordLifecycleActionHeartbeat":
                    return Result(action, "");
                default:
                    return new DryRunReply(HttpStatusCode.BadRequest, "text/xml",
                        $"""<ErrorResponse xmlns="{Namespace}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation {Escape(action)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>""");
            }
        }
    }

    private static string Hook(string group, string name, string transition, string defaultResult) =>
        $"<member><AutoScalingGroupName>{group}</AutoScalingGroupName><LifecycleTransition>{transition}</LifecycleTransition>"
        + $"<GlobalTimeout>172800</GlobalTimeout><LifecycleHookName>{name}</LifecycleHookName>"
        + $"<HeartbeatTimeout>3600</HeartbeatTimeout><DefaultResult>{defaultResult}</DefaultResult></member>";

    private static DryRunReply Result(string action, string result) => DryRunReply.Xml(
        $"""<{action}Response xmlns="{Namespace}"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></{action}Response>""");

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
