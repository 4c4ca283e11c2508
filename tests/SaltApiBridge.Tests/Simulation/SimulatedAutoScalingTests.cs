using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.Simulation;

/// <summary>
/// The simulated Auto Scaling endpoint's lifecycle actions as AWS keeps them: a call naming the instance instead of the
/// token (a takeover's) acts on that instance's action under the call's hook, and one whose action is completed is
/// answered "No active Lifecycle Action found", however it names it.
/// </summary>
public sealed class SimulatedAutoScalingTests : IAsyncLifetime
{
    private const string Group = "web-asg";
    private const string Instance = "i-0123456789abcdef0";
    private readonly SimulatedAutoScaling autoScaling = new();
    private readonly HttpClient http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await autoScaling.DisposeAsync();
    }

    [Fact]
    public async Task Heartbeat_ByInstanceIdAfterItsActionWasCompleted_AnsweredNoActiveActionAndAttributedToThatAction()
    {
        autoScaling.AddInstance(Group, Instance, token: "launch-token", hook: "provision");
        (await CallAsync("CompleteLifecycleAction", "provision", token: "launch-token", result: "CONTINUE")).Should().Be(200);

        var status = await CallAsync("RecordLifecycleActionHeartbeat", "provision", instanceId: Instance);

        status.Should().Be(400, "AWS answers \"No active Lifecycle Action found\"");
        var heartbeat = autoScaling.Heartbeats.Should().ContainSingle().Subject;
        heartbeat.ActionToken.Should().Be("launch-token");
        heartbeat.Refused.Should().BeTrue();
    }

    [Fact]
    public async Task Complete_ByInstanceIdAfterItsActionWasCompleted_RefusedAndTheInstanceStaysWhereItWent()
    {
        autoScaling.AddInstance(Group, Instance, token: "launch-token", hook: "provision");
        await CallAsync("CompleteLifecycleAction", "provision", token: "launch-token", result: "ABANDON");

        var status = await CallAsync("CompleteLifecycleAction", "provision", instanceId: Instance, result: "CONTINUE");

        status.Should().Be(400);
        autoScaling.StateOf(Instance).Should().Be("Terminated");
        autoScaling.Completions.Select(c => (c.ActionToken, c.Refused)).Should().Equal(("launch-token", false), ("launch-token", true));
    }

    [Fact]
    public async Task Complete_ByInstanceIdUnderTheLaunchHook_ActsOnTheLaunchNotTheOpenTerminatingAction()
    {
        autoScaling.AddInstance(Group, Instance, token: "launch-token", hook: "provision");
        await CallAsync("CompleteLifecycleAction", "provision", token: "launch-token", result: "CONTINUE");
        autoScaling.AddAction(Instance, "terminate-token", "clean-up");

        var late = await CallAsync("CompleteLifecycleAction", "provision", instanceId: Instance, result: "CONTINUE");
        var terminate = await CallAsync("CompleteLifecycleAction", "clean-up", instanceId: Instance, result: "CONTINUE");

        late.Should().Be(400);
        terminate.Should().Be(200);
        autoScaling.Completions.Select(c => c.ActionToken).Should().Equal("launch-token", "launch-token", "terminate-token");
    }

    private async Task<int> CallAsync(string action, string hook, string? token = null, string? instanceId = null, string? result = null)
    {
        var form = new Dictionary<string, string>
        {
            ["Action"] = action,
            ["Version"] = "2011-01-01",
            ["AutoScalingGroupName"] = Group,
            ["LifecycleHookName"] = hook,
        };
        if (token is not null)
            form["LifecycleActionToken"] = token;
        if (instanceId is not null)
            form["InstanceId"] = instanceId;
        if (result is not null)
            form["LifecycleActionResult"] = result;
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri(autoScaling.Url + "/"), content, Ct);
        return (int)response.StatusCode;
    }
}
