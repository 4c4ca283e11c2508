using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Simulation;

/// <summary>
/// The Auto Scaling Query API on a loopback port (demo, benchmarks, end-to-end tests): answers CompleteLifecycleAction and RecordLifecycleActionHeartbeat
/// with AWS's success XML, or with "No active Lifecycle Action found" once an action was completed (as AWS does).
/// Keeps a fleet (<see cref="AddInstance"/>) and answers DescribeAutoScalingInstances, DescribeAutoScalingGroups (paged
/// by <see cref="GroupsPerPage"/>) and DescribeLifecycleHooks from it, in the XML shapes of AWS's API reference; a completed
/// launch moves its instance to InService (CONTINUE) or Terminated (ABANDON), a completed termination to Terminated.
/// Records each call's form and whether it was signed.
/// </summary>
internal sealed class SimulatedAutoScaling : IAsyncDisposable
{
    private const string Namespace = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

    private readonly ConcurrentQueue<AutoScalingCall> calls = new();
    private readonly ConcurrentDictionary<string, byte> completed = new();
    private readonly ConcurrentDictionary<string, (string Group, string State)> instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<SimulatedHook>> hooks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableList<(string Token, string? Hook)>> actionsOf = new(StringComparer.Ordinal);
    private readonly WireMockServer server;

    public SimulatedAutoScaling(int port = 0)
    {
        server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{(port == 0 ? LoopbackPort.Free() : port)}"] });
        server.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithCallback(Answer));
    }

    public string Url => server.Url!;

    public IReadOnlyList<AutoScalingCall> Calls => [.. calls];

    public IReadOnlyList<AutoScalingCall> Completions => [.. Calls.Where(c => c.Action == "CompleteLifecycleAction")];

    /// <summary>The calls that act on lifecycle actions (complete, heartbeat), without the describes.</summary>
    public IReadOnlyList<AutoScalingCall> LifecycleCalls => [.. Calls.Where(c => !c.Action.StartsWith("Describe", StringComparison.Ordinal))];

    public IReadOnlyList<AutoScalingCall> Heartbeats => [.. Calls.Where(c => c.Action == "RecordLifecycleActionHeartbeat")];

    /// <summary>Groups per DescribeAutoScalingGroups page (AWS's default MaxRecords is 50).</summary>
    public int GroupsPerPage { get; set; } = 50;

    /// <summary>The hooks of a group that was given none: AWS's defaults (3600 s heartbeat timeout, ABANDON).</summary>
    public IReadOnlyList<SimulatedHook> DefaultHooks { get; set; } =
    [
        new("provision", "autoscaling:EC2_INSTANCE_LAUNCHING", 3600),
        new("clean-up", "autoscaling:EC2_INSTANCE_TERMINATING", 3600, "CONTINUE"),
    ];

    /// <summary>
    /// An instance of <paramref name="group"/> in <paramref name="state"/> (a launch waits in Pending:Wait).
    /// <paramref name="token"/>: the token of its pending lifecycle action, so that completing it moves the instance on;
    /// <paramref name="hook"/>: that action's hook (null: any).
    /// </summary>
    public void AddInstance(string group, string instanceId, string state = "Pending:Wait", string? token = null, string? hook = null)
    {
        groups.TryAdd(group, 0);
        instances[instanceId] = (group, state);
        if (token is not null)
            AddAction(instanceId, token, hook);
    }

    /// <summary>
    /// A lifecycle action of an instance, by its token and hook (null: any), so that a call naming only the instance and
    /// the hook (a takeover's) acts on it as AWS would: the instance's latest action under that hook not yet completed.
    /// </summary>
    public void AddAction(string instanceId, string token, string? hook = null)
    {
        tokens[token] = instanceId;
        actionsOf.AddOrUpdate(instanceId, [(token, hook)], (_, earlier) => earlier.Any(a => a.Token == token) ? earlier : earlier.Add((token, hook)));
    }

    /// <summary>The group exists, even without instances.</summary>
    public void AddGroup(string group) => groups.TryAdd(group, 0);

    public void RemoveInstance(string instanceId) => instances.TryRemove(instanceId, out _);

    public string? StateOf(string instanceId) => instances.TryGetValue(instanceId, out var instance) ? instance.State : null;

    public void SetHooks(string group, params SimulatedHook[] groupHooks)
    {
        groups.TryAdd(group, 0);
        hooks[group] = groupHooks;
    }

    /// <summary>Called before each request is answered; a non-null reply replaces the simulated one (fault injection).</summary>
    public Func<IRequestMessage, IResponseMessage?>? Interceptor { get; set; }

    /// <summary>Raised for each recorded call (progress views).</summary>
    public event Action<AutoScalingCall>? Called;

    public ValueTask DisposeAsync()
    {
        server.Stop();
        server.Dispose();
        return ValueTask.CompletedTask;
    }

    private IResponseMessage Answer(IRequestMessage request)
    {
        if (Interceptor?.Invoke(request) is { } replaced)
            return replaced;

        var form = (request.Body ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => WebUtility.UrlDecode(kv[0]), kv => WebUtility.UrlDecode(kv.ElementAtOrDefault(1) ?? ""));
        var authorization = request.Headers?.FirstOrDefault(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        var call = new AutoScalingCall(
            form.GetValueOrDefault("Action", ""),
            form.GetValueOrDefault("AutoScalingGroupName") ?? form.GetValueOrDefault("AutoScalingGroupNames.member.1", ""),
            form.GetValueOrDefault("LifecycleHookName", ""),
            form.GetValueOrDefault("InstanceId") ?? form.GetValueOrDefault("InstanceIds.member.1"),
            form.GetValueOrDefault("LifecycleActionToken"),
            form.GetValueOrDefault("LifecycleActionResult"),
            authorization?.StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal) == true);
        call = call with { ActionToken = call.Token ?? CurrentAction(call) };
        var describe = call.Action.StartsWith("Describe", StringComparison.Ordinal);
        // As AWS: an action completed by its token is gone for a call by the instance's id, and the other way round.
        var identity = $"{call.Group}/{call.Hook}/{call.ActionToken ?? call.InstanceId}";
        var gone = !describe && (call.Action == "CompleteLifecycleAction" ? !completed.TryAdd(identity, 0) : completed.ContainsKey(identity));
        call = call with { Refused = gone };
        calls.Enqueue(call);
        Called?.Invoke(call);
        switch (call.Action)
        {
            case "DescribeAutoScalingInstances":
                return DescribeInstances(Members(form, "InstanceIds"));
            case "DescribeAutoScalingGroups":
                return DescribeGroups(Members(form, "AutoScalingGroupNames"), form.GetValueOrDefault("NextToken"));
            case "DescribeLifecycleHooks":
                return DescribeHooks(call.Group);
        }

        if (call.Action == "CompleteLifecycleAction" && !gone)
            Complete(call);
        return gone
            ? Xml(400, $"""<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>No active Lifecycle Action found with token {WebUtility.HtmlEncode(call.Token ?? call.InstanceId)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>""")
            : Xml(200, $"""<{call.Action}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><{call.Action}Result/><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></{call.Action}Response>""");
    }

    /// <summary>
    /// What a call by instance id acts on: the instance's latest lifecycle action under the call's hook not yet completed;
    /// when every one is completed, the latest (the call is then answered "No active Lifecycle Action found", as AWS does).
    /// </summary>
    private string? CurrentAction(AutoScalingCall call)
    {
        if (call.InstanceId is not { } id || !actionsOf.TryGetValue(id, out var actions))
            return null;
        var underHook = actions.Where(a => a.Hook is null || a.Hook == call.Hook).Select(a => a.Token).ToList();
        return underHook.LastOrDefault(token => !completed.ContainsKey($"{call.Group}/{call.Hook}/{token}")) ?? underHook.LastOrDefault();
    }

    /// <summary>What AWS does once an action completes: the instance (named, or found by its action's token) moves on.</summary>
    private void Complete(AutoScalingCall call)
    {
        var id = call.InstanceId ?? tokens.GetValueOrDefault(call.Token ?? "");
        if (id is null || !instances.TryGetValue(id, out var instance) || instance.Group != call.Group)
            return;
        // A hook moves only the transition it is for: completing a terminating hook does not put a launch in service.
        var transition = (hooks.GetValueOrDefault(call.Group) ?? DefaultHooks).FirstOrDefault(h => h.Name == call.Hook)?.Transition;
        var launching = transition is null or "autoscaling:EC2_INSTANCE_LAUNCHING";
        var terminating = transition is null or "autoscaling:EC2_INSTANCE_TERMINATING";
        var next = instance.State switch
        {
            "Pending:Wait" when launching => call.Result == "CONTINUE" ? "InService" : "Terminated",
            "Warmed:Pending:Wait" when launching => call.Result == "CONTINUE" ? "Warmed:Stopped" : "Warmed:Terminated",
            "Terminating:Wait" when terminating => "Terminated",
            _ => instance.State,
        };
        instances[id] = (instance.Group, next);
    }

    private ResponseMessage DescribeInstances(IReadOnlyList<string> ids)
    {
        var members = new StringBuilder();
        foreach (var id in ids)
        {
            if (instances.TryGetValue(id, out var instance))
                members.Append(InstanceDetails(id, instance.Group, instance.State, withGroup: true));
        }

        return Answer("DescribeAutoScalingInstances", $"<AutoScalingInstances>{members}</AutoScalingInstances>");
    }

    private ResponseMessage DescribeGroups(IReadOnlyList<string> names, string? nextToken)
    {
        var known = names.Where(groups.ContainsKey).ToList();
        var start = nextToken is null ? 0 : int.Parse(nextToken, NumberStyles.None, CultureInfo.InvariantCulture);
        var page = known.Skip(start).Take(GroupsPerPage).ToList();
        var members = new StringBuilder();
        foreach (var group in page)
        {
            var groupInstances = string.Concat(instances.Where(i => i.Value.Group == group && i.Value.State != "Terminated" && !i.Value.State.StartsWith("Warmed:", StringComparison.Ordinal))
                .OrderBy(i => i.Key, StringComparer.Ordinal)
                .Select(i => InstanceDetails(i.Key, group, i.Value.State, withGroup: false)));
            members.Append(CultureInfo.InvariantCulture, $"<member><AutoScalingGroupName>{Escape(group)}</AutoScalingGroupName><MinSize>0</MinSize><MaxSize>100</MaxSize><Instances>{groupInstances}</Instances><HealthCheckType>EC2</HealthCheckType></member>");
        }

        var more = start + page.Count < known.Count ? $"<NextToken>{start + page.Count}</NextToken>" : "";
        return Answer("DescribeAutoScalingGroups", $"<AutoScalingGroups>{members}</AutoScalingGroups>{more}");
    }

    private ResponseMessage DescribeHooks(string group)
    {
        var groupHooks = hooks.GetValueOrDefault(group) ?? DefaultHooks;
        var members = string.Concat(groupHooks.Select(h =>
            $"<member><AutoScalingGroupName>{Escape(group)}</AutoScalingGroupName><LifecycleTransition>{h.Transition}</LifecycleTransition>"
            + $"<GlobalTimeout>{Math.Min(172800, 100 * h.HeartbeatTimeoutSeconds)}</GlobalTimeout><LifecycleHookName>{Escape(h.Name)}</LifecycleHookName>"
            + $"<HeartbeatTimeout>{h.HeartbeatTimeoutSeconds}</HeartbeatTimeout><DefaultResult>{h.DefaultResult}</DefaultResult></member>"));
        return Answer("DescribeLifecycleHooks", $"<LifecycleHooks>{members}</LifecycleHooks>");
    }

    private static string InstanceDetails(string id, string group, string state, bool withGroup) =>
        $"<member><InstanceId>{id}</InstanceId>{(withGroup ? $"<AutoScalingGroupName>{Escape(group)}</AutoScalingGroupName>" : "")}"
        + $"<AvailabilityZone>eu-west-1a</AvailabilityZone><LifecycleState>{state}</LifecycleState><HealthStatus>HEALTHY</HealthStatus>"
        + "<ProtectedFromScaleIn>false</ProtectedFromScaleIn><InstanceType>t3.micro</InstanceType></member>";

    private static ResponseMessage Answer(string action, string result) =>
        Xml(200, $"""<{action}Response xmlns="{Namespace}"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></{action}Response>""");

    private static List<string> Members(Dictionary<string, string> form, string list) =>
        [.. form.Where(kv => kv.Key.StartsWith(list + ".member.", StringComparison.Ordinal))
            .OrderBy(kv => int.Parse(kv.Key[(list.Length + ".member.".Length)..], CultureInfo.InvariantCulture))
            .Select(kv => kv.Value)];

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static ResponseMessage Xml(int status, string body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "text/xml");
        response.AddHeader("x-amzn-RequestId", Guid.NewGuid().ToString());
        return response;
    }
}
