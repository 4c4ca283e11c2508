using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Reads the Query API's XML answers by local name, so the namespace (which AWS versions) does not matter.
/// XDocument.Parse refuses DTDs, so a hostile body cannot expand entities.
/// </summary>
internal static class AutoScalingXml
{
    /// <summary>True when <paramref name="body"/> is the {action}Response document; gives its RequestId.</summary>
    public static bool TryParseSuccess(string body, string action, out string? requestId)
    {
        requestId = null;
        var root = Parse(body);
        if (root is null || root.Name.LocalName != action + "Response")
        {
            return false;
        }

        requestId = Child(Child(root, "ResponseMetadata"), "RequestId")?.Value;
        return true;
    }

    /// <summary>The error in an ErrorResponse document, or null when the body is not one.</summary>
    public static AutoScalingError? TryParseError(string body)
    {
        var root = Parse(body);
        if (root is null || root.Name.LocalName != "ErrorResponse")
        {
            return null;
        }

        var error = Child(root, "Error");
        var code = Child(error, "Code")?.Value;
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }

        return new AutoScalingError(
            Child(error, "Type")?.Value, code, Child(error, "Message")?.Value ?? string.Empty, Child(root, "RequestId")?.Value);
    }

    /// <summary>
    /// The <c>{action}Result</c> element of an <c>{action}Response</c> document, or null when <paramref name="body"/>
    /// is not one (a list answer without its result element is no answer at all).
    /// </summary>
    public static XElement? TryParseResult(string body, string action)
    {
        var root = Parse(body);
        return root is null || root.Name.LocalName != action + "Response" ? null : Child(root, action + "Result");
    }

    /// <summary>DescribeAutoScalingInstancesResult: AutoScalingInstances/member, each with its group and state.</summary>
    public static IReadOnlyList<AutoScalingInstance> ReadInstanceDetails(XElement result) =>
        [.. Members(result, "AutoScalingInstances").Select(member => ReadInstance(member, Text(member, "AutoScalingGroupName")))];

    /// <summary>DescribeAutoScalingGroupsResult: AutoScalingGroups/member/Instances/member, named by their group.</summary>
    public static IReadOnlyList<(string Group, IReadOnlyList<AutoScalingInstance> Instances)> ReadGroups(XElement result) =>
        [.. Members(result, "AutoScalingGroups").Select(member =>
        {
            var group = Text(member, "AutoScalingGroupName") ?? throw Unreadable("an AutoScalingGroups member without AutoScalingGroupName");
            return (group, (IReadOnlyList<AutoScalingInstance>)[.. Members(member, "Instances").Select(i => ReadInstance(i, group))]);
        })];

    /// <summary>DescribeLifecycleHooksResult: LifecycleHooks/member.</summary>
    public static IReadOnlyList<LifecycleHookSettings> ReadLifecycleHooks(XElement result) =>
        [.. Members(result, "LifecycleHooks").Select(member => new LifecycleHookSettings(
            Text(member, "AutoScalingGroupName") ?? throw Unreadable("a LifecycleHooks member without AutoScalingGroupName"),
            Text(member, "LifecycleHookName") ?? throw Unreadable("a LifecycleHooks member without LifecycleHookName"),
            Text(member, "LifecycleTransition"),
            Seconds(member, "HeartbeatTimeout") ?? throw Unreadable("a LifecycleHooks member without HeartbeatTimeout"),
            Seconds(member, "GlobalTimeout"),
            Text(member, "DefaultResult")))];

    /// <summary>The NextToken of a list answer; null (or empty, as some answers send it) when this was the last page.</summary>
    public static string? NextToken(XElement result) => Text(result, "NextToken") is { Length: > 0 } token ? token : null;

    private static AutoScalingInstance ReadInstance(XElement member, string? group) => new(
        Text(member, "InstanceId") ?? throw Unreadable("an instance without InstanceId"),
        group ?? throw Unreadable("an instance without AutoScalingGroupName"),
        Text(member, "LifecycleState") ?? throw Unreadable("an instance without LifecycleState"),
        Text(member, "HealthStatus"));

    private static IEnumerable<XElement> Members(XElement parent, string listName) =>
        Child(parent, listName)?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    private static string? Text(XElement parent, string localName) => Child(parent, localName)?.Value;

    private static TimeSpan? Seconds(XElement parent, string localName) =>
        Text(parent, localName) is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : throw Unreadable($"{localName} '{text}' is not a number of seconds")
            : null;

    /// <summary>A list answer we cannot read completely is a partial answer: nobody may act on it.</summary>
    private static AutoScalingException Unreadable(string what) =>
        new($"Auto Scaling answered with {what}; the answer cannot be trusted as complete.", isTransient: false, "UnreadableAnswer");

    private static XElement? Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return XDocument.Parse(body).Root;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);
}
