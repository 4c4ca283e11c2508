using System.Globalization;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>
/// The describe calls against WireMock, answered in the XML shapes of AWS's API reference (its sample responses for
/// DescribeLifecycleHooks, DescribeAutoScalingInstances and DescribeAutoScalingGroups, trimmed to the fields read).
/// </summary>
public sealed class QueryApiAutoScalingInventoryTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 15, 10, 15, 30, TimeSpan.Zero);
    private static readonly ImmutableCredentials Keys = new("AKIDTEST", "secret-key-for-tests", null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>AWS's sample, with the heartbeat timeout of the acceptance criterion (300 s).</summary>
    private const string Hooks = """
        <DescribeLifecycleHooksResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
          <DescribeLifecycleHooksResult>
            <LifecycleHooks>
              <member>
                <AutoScalingGroupName>my-asg</AutoScalingGroupName>
                <RoleARN>arn:aws:iam::1234567890:role/my-auto-scaling-role</RoleARN>
                <LifecycleTransition>autoscaling:EC2_INSTANCE_LAUNCHING</LifecycleTransition>
                <GlobalTimeout>30000</GlobalTimeout>
                <LifecycleHookName>my-launch-hook</LifecycleHookName>
                <HeartbeatTimeout>300</HeartbeatTimeout>
                <DefaultResult>ABANDON</DefaultResult>
                <NotificationTargetARN>arn:aws:sqs:us-east-1:123456789012:my-queue</NotificationTargetARN>
              </member>
            </LifecycleHooks>
          </DescribeLifecycleHooksResult>
          <ResponseMetadata><RequestId>1952f458-f645-11e2-820a-d5a1fEXAMPLE</RequestId></ResponseMetadata>
        </DescribeLifecycleHooksResponse>
        """;

    private static string Instances(params (string Id, string Group, string State)[] members) =>
        $"""
        <DescribeAutoScalingInstancesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
          <DescribeAutoScalingInstancesResult>
            <AutoScalingInstances>{string.Concat(members.Select(m => $"<member><LaunchConfigurationName>my-lc</LaunchConfigurationName><LifecycleState>{m.State}</LifecycleState><AutoScalingGroupName>{m.Group}</AutoScalingGroupName><InstanceId>{m.Id}</InstanceId><HealthStatus>HEALTHY</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn><AvailabilityZone>us-east-1b</AvailabilityZone></member>"))}</AutoScalingInstances>
          </DescribeAutoScalingInstancesResult>
          <ResponseMetadata><RequestId>df992dc3-b72f-11e2-81e1-750aa6EXAMPLE</RequestId></ResponseMetadata>
        </DescribeAutoScalingInstancesResponse>
        """;

    private static string Groups(string? nextToken, params (string Group, string[] Instances)[] groups) =>
        $"""
        <DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
          <DescribeAutoScalingGroupsResult>
            <AutoScalingGroups>{string.Concat(groups.Select(g => $"<member><HealthCheckType>ELB</HealthCheckType><AutoScalingGroupName>{g.Group}</AutoScalingGroupName><Instances>{string.Concat(g.Instances.Select(i => $"<member><HealthStatus>Healthy</HealthStatus><AvailabilityZone>us-east-1c</AvailabilityZone><InstanceId>{i}</InstanceId><LifecycleState>InService</LifecycleState></member>"))}</Instances><DesiredCapacity>2</DesiredCapacity></member>"))}</AutoScalingGroups>
            {(nextToken is null ? "" : $"<NextToken>{nextToken}</NextToken>")}
          </DescribeAutoScalingGroupsResult>
          <ResponseMetadata><RequestId>0f02a07d-b677-11e2-9eb0-dd50EXAMPLE</RequestId></ResponseMetadata>
        </DescribeAutoScalingGroupsResponse>
        """;

    private static QueryApiHarness Harness(FakeTimeProvider? time = null) =>
        new(new StaticCredentialsSource(Keys), time ?? new FakeTimeProvider(Now));

    [Fact]
    public async Task DescribeLifecycleHooks_AwsSample_ReadsTimeoutsAndDefaultResultWithExactForm()
    {
        await using var harness = Harness();
        harness.RespondTo("DescribeLifecycleHooks", 200, Hooks);

        var hooks = await harness.Inventory.DescribeLifecycleHooksAsync("my-asg", Ct);

        hooks.Should().Equal(new LifecycleHookSettings(
            "my-asg", "my-launch-hook", "autoscaling:EC2_INSTANCE_LAUNCHING", TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(30000), "ABANDON"));
        QueryApiHarness.Form(harness.Requests.Single()).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Action"] = "DescribeLifecycleHooks",
            ["Version"] = "2011-01-01",
            ["AutoScalingGroupName"] = "my-asg",
        });
        QueryApiHarness.Header(harness.Requests.Single(), "Authorization").Should().Contain("/eu-west-1/autoscaling/aws4_request");
    }

    [Fact]
    public async Task HeartbeatKeeper_HookWith300sTimeout_BeatsAfterAThirdLessJitterUntilItsGlobalTimeout()
    {
        var time = new FakeTimeProvider(Now);
        await using var harness = Harness(time);
        harness.RespondTo("DescribeLifecycleHooks", 200, Hooks);
        harness.RespondTo("RecordLifecycleActionHeartbeat", 200, QueryApiHarness.Success("RecordLifecycleActionHeartbeat"));
        var action = new LifecycleActionIdentity("my-asg", "my-launch-hook", "87654321-4321-4321-4321-210987654321", "i-1234567890abcdef0");

        var plan = await harness.Heartbeats.PlanAsync(action, Now, Ct);
        await using var lease = harness.Heartbeats.Start(action, plan, Ct);
        time.Advance(plan.Interval);
        await Eventually.UntilAsync(
            () => Task.FromResult(harness.Requests.Any(r => QueryApiHarness.Form(r)["Action"] == "RecordLifecycleActionHeartbeat")),
            TimeSpan.FromSeconds(10), () => "no heartbeat reached Auto Scaling");

        plan.Interval.Should().BeGreaterThan(TimeSpan.FromSeconds(90)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(100));
        plan.Deadline.Should().Be(Now + TimeSpan.FromSeconds(30000));
        plan.DefaultResult.Should().Be("ABANDON");
        var heartbeat = harness.Requests.Single(r => QueryApiHarness.Form(r)["Action"] == "RecordLifecycleActionHeartbeat");
        // X-Amz-Date is the fake clock at signing: the heartbeat went out exactly one derived interval after the start.
        QueryApiHarness.Header(heartbeat, "X-Amz-Date").Should().Be((Now + plan.Interval).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task DescribeInstances_AwsSample_ReadsGroupAndStateOfEach()
    {
        await using var harness = Harness();
        harness.RespondTo("DescribeAutoScalingInstances", 200, Instances(("i-12345678", "my-asg", "Pending:Wait")));

        var found = await harness.Inventory.DescribeInstancesAsync(["i-12345678", "i-87654321"], Ct);

        found.Should().Equal(new AutoScalingInstance("i-12345678", "my-asg", "Pending:Wait", "HEALTHY"));
        var form = QueryApiHarness.Form(harness.Requests.Single());
        form["InstanceIds.member.1"].Should().Be("i-12345678");
        form["InstanceIds.member.2"].Should().Be("i-87654321");
        form["MaxRecords"].Should().Be("50");
    }

    [Fact]
    public async Task DescribeInstances_SixtyIds_AskInBatchesOfFifty()
    {
        await using var harness = Harness();
        harness.RespondTo("DescribeAutoScalingInstances", 200, Instances());

        await harness.Inventory.DescribeInstancesAsync([.. Enumerable.Range(0, 60).Select(i => $"i-{i:x17}")], Ct);

        harness.Requests.Select(r => QueryApiHarness.Form(r).Keys.Count(k => k.StartsWith("InstanceIds.member.", StringComparison.Ordinal)))
            .Should().Equal(50, 10);
    }

    [Fact]
    public async Task DescribeGroups_TwoPages_FollowsNextTokenAndReturnsEveryInstance()
    {
        await using var harness = Harness();
        harness.RespondTo("DescribeAutoScalingGroups", 200, Groups("page-2", ("web-asg", ["i-00000000000000001", "i-00000000000000002"])));
        harness.RespondTo("DescribeAutoScalingGroups", 200, Groups(null, ("api-asg", ["i-00000000000000003"])), field: "NextToken=page-2");

        var fleet = await harness.Inventory.DescribeGroupsAsync(["web-asg", "api-asg"], Ct);

        fleet.Groups.Should().BeEquivalentTo("web-asg", "api-asg");
        fleet.Instances.Select(i => (i.InstanceId, i.AutoScalingGroupName, i.LifecycleState)).Should().Equal(
            ("i-00000000000000001", "web-asg", "InService"), ("i-00000000000000002", "web-asg", "InService"), ("i-00000000000000003", "api-asg", "InService"));
        var forms = harness.Requests.Select(QueryApiHarness.Form).ToList();
        forms.Should().HaveCount(2);
        forms[0]["AutoScalingGroupNames.member.1"].Should().Be("web-asg");
        forms[0]["AutoScalingGroupNames.member.2"].Should().Be("api-asg");
        forms[0].Should().NotContainKey("NextToken");
        forms[1]["NextToken"].Should().Be("page-2");
    }

    [Fact]
    public async Task DescribeGroups_SecondPageRefused_ThrowsInsteadOfReturningTheFirstPage()
    {
        await using var harness = Harness();
        harness.RespondTo("DescribeAutoScalingGroups", 200, Groups("page-2", ("web-asg", ["i-00000000000000001"])));
        harness.RespondTo("DescribeAutoScalingGroups", 403,
            QueryApiHarness.Error("AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/bridge/i-1 is not authorized to perform: autoscaling:DescribeAutoScalingGroups"),
            field: "NextToken=page-2");

        var act = () => harness.Inventory.DescribeGroupsAsync(["web-asg"], Ct);

        var error = (await act.Should().ThrowAsync<AutoScalingException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.Message.Should().Contain("autoscaling:DescribeAutoScalingGroups is not allowed");
    }

    [Fact]
    public async Task DescribeGroups_InstanceWithoutId_ThrowsRatherThanSkipIt()
    {
        await using var harness = Harness();
        harness.RespondTo("DescribeAutoScalingGroups", 200, Groups(null, ("web-asg", ["i-00000000000000001"])).Replace("<InstanceId>i-00000000000000001</InstanceId>", "", StringComparison.Ordinal));

        var act = () => harness.Inventory.DescribeGroupsAsync(["web-asg"], Ct);

        (await act.Should().ThrowAsync<AutoScalingException>()).Which.Message.Should().Contain("without InstanceId");
    }

    [Fact]
    public async Task DescribeGroups_NextTokenRepeats_ThrowsInsteadOfLoopingForever()
    {
        await using var harness = Harness();
        harness.RespondTo("DescribeAutoScalingGroups", 200, Groups("again", ("web-asg", ["i-00000000000000001"])));

        var act = () => harness.Inventory.DescribeGroupsAsync(["web-asg"], Ct);

        (await act.Should().ThrowAsync<AutoScalingException>()).Which.Message.Should().Contain("paging does not end");
        harness.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task DescribeGroups_ProxyPageWith200_IsNotAnAnswer()
    {
        await using var harness = Harness();
        harness.RespondTo("DescribeAutoScalingGroups", 200, "<html><body>Welcome</body></html>");

        var act = () => harness.Inventory.DescribeGroupsAsync(["web-asg"], Ct);

        (await act.Should().ThrowAsync<AutoScalingException>()).Which.Message.Should().Contain("is AutoScaling:ServiceUrl right?");
    }
}
