using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Simulation;

/// <summary>A simulated salt-api and Auto Scaling endpoint for <c>replay --dry-run</c>.</summary>
internal sealed class DryRunEndpoints : IDryRunEndpoints
{
    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new();

    public string SaltApiUrl => salt.BaseUrl;

    public string AutoScalingUrl => autoScaling.Url;

    public void Prepare(ActionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Event.Kind is LifecycleEventKind.Terminating or LifecycleEventKind.Terminated)
            salt.SetKey(plan.MinionId!, "minions");
        if (plan.Event.Kind == LifecycleEventKind.Launching)
            autoScaling.AddInstance(plan.Event.AutoScalingGroupName, plan.Event.InstanceId!, token: plan.Event.LifecycleActionToken);
    }

    public async ValueTask DisposeAsync()
    {
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
    }
}
