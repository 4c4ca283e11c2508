using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Tests.Lifecycle;

public sealed class ActionPlannerTests
{
    private static LifecycleEvent Event(
        LifecycleEventKind kind, string group = "web", string? instance = "i-0123456789abcdef0", string? destination = null) =>
        new(kind, SourceFormat.LifecycleHook, "m-1", instance, group,
            kind is LifecycleEventKind.Launching or LifecycleEventKind.Terminating ? "hook" : null,
            kind is LifecycleEventKind.Launching or LifecycleEventKind.Terminating ? "4889fcc7-adc6-43ff-a415-46240e2f57dc" : null,
            null, null, destination, null);

    [Fact]
    public void Plan_GoldenImageGroup_SkipsHighstate()
    {
        var options = new BridgeOptions();
        options.GoldenImageGroups.Add("web");

        var plan = new ActionPlanner(options).Plan(Event(LifecycleEventKind.Launching));

        PlanText.Of(plan).Should().Be("Act:AcceptKey,CompleteLifecycleAction(Continue/Abandon)");
        plan.Reason.Should().Contain("golden image");
    }

    [Fact]
    public void Plan_LaunchFailureResultContinue_CompletesContinueOnFailure()
    {
        var options = new BridgeOptions { LaunchFailureResult = LifecycleActionResult.Continue };

        var plan = new ActionPlanner(options).Plan(Event(LifecycleEventKind.Launching));

        PlanText.Of(plan).Should().Be("Act:AcceptKey,Highstate,CompleteLifecycleAction(Continue/Continue)");
    }

    [Fact]
    public void Plan_GroupNotInAllowList_IsRejected()
    {
        var options = new BridgeOptions();
        options.Groups.Add("api");

        var plan = new ActionPlanner(options).Plan(Event(LifecycleEventKind.Launching));

        plan.Verdict.Should().Be(PlanVerdict.Reject);
        plan.Reason.Should().Be("group 'web' is not in Bridge:Groups");
        plan.MinionId.Should().BeNull();
    }

    [Fact]
    public void Plan_GroupInAllowList_Acts()
    {
        var options = new BridgeOptions();
        options.Groups.Add("web");

        new ActionPlanner(options).Plan(Event(LifecycleEventKind.Terminated)).Verdict.Should().Be(PlanVerdict.Act);
    }

    [Fact]
    public void Plan_CustomTemplateAndCleanStates_AreUsed()
    {
        var options = new BridgeOptions { MinionIdTemplate = "{instance}.{group}.example" };
        options.CleanStates.Add("deregister");
        options.CleanStates.Add("logs.flush");

        var plan = new ActionPlanner(options).Plan(Event(LifecycleEventKind.Terminating));

        plan.MinionId.Should().Be("i-0123456789abcdef0.web.example");
        PlanText.Of(plan).Should().Be("Act:ApplyStates[deregister,logs.flush],CompleteLifecycleAction(Continue/Continue)");
    }

    [Fact]
    public void Plan_TerminatingIntoWarmPool_KeepsKeyAndSkipsClean()
    {
        var plan = new ActionPlanner(new BridgeOptions()).Plan(Event(LifecycleEventKind.Terminating, destination: "WarmPool"));

        PlanText.Of(plan).Should().Be("Act:CompleteLifecycleAction(Continue/Continue)");
    }

    [Fact]
    public void Plan_TerminatedIntoWarmPool_KeepsKey()
    {
        var plan = new ActionPlanner(new BridgeOptions()).Plan(Event(LifecycleEventKind.Terminated, destination: "WarmPool"));

        PlanText.Of(plan).Should().Be("AcknowledgeOnly:");
    }

    [Theory]
    [InlineData(LifecycleEventKind.Launched)]
    [InlineData(LifecycleEventKind.TerminateFailed)]
    public void Plan_InformationalEvent_AcknowledgesOnly(LifecycleEventKind kind)
    {
        var plan = new ActionPlanner(new BridgeOptions()).Plan(Event(kind));

        plan.Verdict.Should().Be(PlanVerdict.AcknowledgeOnly);
        plan.Reason.Should().Contain("informational");
    }

    [Fact]
    public void Plan_LaunchFailedWithoutInstance_AcknowledgesOnly()
    {
        var plan = new ActionPlanner(new BridgeOptions()).Plan(Event(LifecycleEventKind.LaunchFailed, instance: null));

        plan.Verdict.Should().Be(PlanVerdict.AcknowledgeOnly);
        plan.MinionId.Should().BeNull();
    }

    [Theory]
    [InlineData("web-*", "contains '*'")]
    [InlineData("*", "contains '*'")]
    [InlineData("a;rm -rf /", "contains ';'")]
    [InlineData("a rm", "contains a space")]
    [InlineData("web-?", "would read as a glob")]
    [InlineData("a;rm", "contains ';'")]
    [InlineData("$(x)", "contains '$', which a shell or template would read")]
    [InlineData("web-prod_2.eu@x", null)]
    [InlineData("web\nprod", "contains whitespace")]
    [InlineData("web\u2010prod", "contains a non-ASCII character (U+2010)")]
    [InlineData("web,db", "contains ','")]
    [InlineData("web[1]", "contains '['")]
    [InlineData("../keys", "starts with '.'")]
    [InlineData("-x", "starts with '-'")]
    [InlineData("a/b", "contains '/'")]
    [InlineData("{{pillar}}", "contains '{'")]
    [InlineData("", "group name is empty")]
    public void Plan_HostileGroupName_IsRejectedOrExact(string group, string? problem)
    {
        var plan = new ActionPlanner(new BridgeOptions()).Plan(Event(LifecycleEventKind.Launching, group));

        if (problem is null)
        {
            plan.Verdict.Should().Be(PlanVerdict.Act);
            plan.MinionId.Should().Be(group + "-i-0123456789abcdef0");
        }
        else
        {
            plan.Verdict.Should().Be(PlanVerdict.Reject);
            plan.Reason.Should().Contain(problem);
            plan.MinionId.Should().BeNull();
        }
    }

    [Theory]
    [InlineData("i-0123456789abcdef")]
    [InlineData("i-0123456789ABCDEF0")]
    [InlineData("i-1234567")]
    [InlineData("i-123456789")]
    [InlineData("i-12345678 ")]
    [InlineData("i-1234567g")]
    [InlineData("I-12345678")]
    [InlineData("i-*")]
    public void Plan_BadInstanceId_IsRejected(string instance)
    {
        var plan = new ActionPlanner(new BridgeOptions()).Plan(Event(LifecycleEventKind.Launching, instance: instance));

        plan.Verdict.Should().Be(PlanVerdict.Reject);
        plan.Reason.Should().Contain("is not i- followed by 8 or 17 lowercase hex digits");
    }

    [Theory]
    [InlineData("i-12345678")]
    [InlineData("i-0123456789abcdef0")]
    public void Plan_GoodInstanceId_Acts(string instance) =>
        new ActionPlanner(new BridgeOptions()).Plan(Event(LifecycleEventKind.Launching, instance: instance)).Verdict.Should().Be(PlanVerdict.Act);
}
