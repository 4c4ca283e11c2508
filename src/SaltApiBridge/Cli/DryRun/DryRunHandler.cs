using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Cli.DryRun;

/// <summary>
/// The innermost handler of every client <c>replay --dry-run</c> builds, in place of the network: requests to the
/// configured salt-api go to <see cref="Salt"/>, all others (the Auto Scaling Query API) to <see cref="AutoScaling"/>.
/// Nothing leaves the process.
/// </summary>
internal sealed class DryRunHandler(TimeProvider time) : HttpMessageHandler
{
    public DryRunSaltMaster Salt { get; } = new(time);

    public DryRunAutoScaling AutoScaling { get; } = new();

    /// <summary>The configured salt-api (<c>SaltApi:BaseUrl</c>): requests to it are Salt's.</summary>
    public Uri SaltApi { get; set; } = new("http://127.0.0.1:8000/");

    /// <summary>Sets up what a healthy master and AWS hold for this plan: the minion's key, the launching instance.</summary>
    public void Prepare(ActionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.MinionId is null)
            return;
        Salt.SetKey(plan.MinionId, plan.Event.Kind is LifecycleEventKind.Terminating or LifecycleEventKind.Terminated ? "minions" : "minions_pre");
        if (plan.Event.Kind == LifecycleEventKind.Launching)
            AutoScaling.AddInstance(plan.Event.AutoScalingGroupName, plan.Event.InstanceId!, plan.Event.LifecycleActionToken);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var uri = request.RequestUri!;
        var reply = uri.Authority == SaltApi.Authority
            ? Salt.Answer(request.Method.Method, "/" + uri.AbsolutePath[SaltApi.AbsolutePath.Length..].TrimStart('/'), body)
            : AutoScaling.Answer(body);
        return reply.ToResponse(request);
    }
}
