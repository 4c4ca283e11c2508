using System.Text;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace SaltApiBridge.Tests.AutoScaling;

public sealed class QueryApiLifecycleActionClientTests
{
    private const string Token = "87654321-4321-4321-4321-210987654321";
    private const string SessionToken = "FwoGZXIvYXdzEXAMPLE/session+token==";
    private static readonly DateTimeOffset Now = new(2024, 3, 15, 10, 15, 30, TimeSpan.Zero);
    private static readonly ImmutableCredentials Keys = new("AKIDTEST", "secret-key-for-tests", null);
    private static readonly LifecycleActionIdentity WithToken = new("my-asg", "my-lifecycle-hook", Token, "i-1234567890abcdef0");
    private static readonly LifecycleActionIdentity WithoutToken = new("my-asg", "my-lifecycle-hook", null, "i-1234567890abcdef0");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CompleteAsync_WithToken_PostsExactFormSignedForAutoScaling()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((200, QueryApiHarness.Success("CompleteLifecycleAction")));

        var outcome = await harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        outcome.Should().Be(LifecycleActionOutcome.Done);
        var request = harness.Requests.Should().ContainSingle().Subject;
        request.RequestMessage!.Method.Should().Be("POST");
        request.RequestMessage.Path.Should().Be("/");
        QueryApiHarness.Header(request, "Content-Type").Should().StartWith("application/x-www-form-urlencoded");
        QueryApiHarness.Form(request).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Action"] = "CompleteLifecycleAction",
            ["Version"] = "2011-01-01",
            ["AutoScalingGroupName"] = "my-asg",
            ["LifecycleHookName"] = "my-lifecycle-hook",
            ["LifecycleActionToken"] = Token,
            ["LifecycleActionResult"] = "CONTINUE",
        });
        QueryApiHarness.Header(request, "X-Amz-Date").Should().Be("20240315T101530Z");
        QueryApiHarness.HasHeader(request, "X-Amz-Security-Token").Should().BeFalse();
        var authorization = QueryApiHarness.Header(request, "Authorization");
        authorization.Should().MatchRegex(
            "^AWS4-HMAC-SHA256 Credential=AKIDTEST/20240315/eu-west-1/autoscaling/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$");
        authorization.Should().Be(ResignAsReceived(request, Keys), "the signature must verify against what actually arrived");
    }

    [Fact]
    public async Task RecordHeartbeatAsync_WithoutTokenAndSessionCredentials_SendsInstanceIdAndSignsTheSessionToken()
    {
        var credentials = new ImmutableCredentials("ASIATEST", "secret-key-for-tests", SessionToken);
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(credentials), new FakeTimeProvider(Now));
        harness.RespondInSequence((200, QueryApiHarness.Success("RecordLifecycleActionHeartbeat")));

        var outcome = await harness.Client.RecordHeartbeatAsync(WithoutToken, Ct);

        outcome.Should().Be(LifecycleActionOutcome.Done);
        var request = harness.Requests.Should().ContainSingle().Subject;
        QueryApiHarness.Form(request).Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Action"] = "RecordLifecycleActionHeartbeat",
            ["Version"] = "2011-01-01",
            ["AutoScalingGroupName"] = "my-asg",
            ["LifecycleHookName"] = "my-lifecycle-hook",
            ["InstanceId"] = "i-1234567890abcdef0",
        });
        QueryApiHarness.Header(request, "X-Amz-Security-Token").Should().Be(SessionToken);
        var authorization = QueryApiHarness.Header(request, "Authorization");
        authorization.Should().StartWith(
            "AWS4-HMAC-SHA256 Credential=ASIATEST/20240315/eu-west-1/autoscaling/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=");
        authorization.Should().Be(ResignAsReceived(request, credentials));
    }

    [Fact]
    public async Task CompleteAsync_Abandon_SendsAbandon()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((200, QueryApiHarness.Success("CompleteLifecycleAction")));

        await harness.Client.CompleteAsync(WithoutToken, LifecycleActionResult.Abandon, Ct);

        var form = QueryApiHarness.Form(harness.Requests.Single());
        form["LifecycleActionResult"].Should().Be("ABANDON");
        form["InstanceId"].Should().Be("i-1234567890abcdef0");
        form.Should().NotContainKey("LifecycleActionToken");
    }

    [Fact]
    public async Task CompleteAsync_NoActiveLifecycleAction_ReturnsActionGoneAndWarnsWithoutTheToken()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((400, QueryApiHarness.Error("ValidationError", $"No active Lifecycle Action found with token {Token}")));

        var outcome = await harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        outcome.Should().Be(LifecycleActionOutcome.ActionGone);
        harness.Requests.Should().ContainSingle("a gone action is not retried");
        harness.Logs.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("i-1234567890abcdef0", StringComparison.Ordinal));
        harness.Logs.Entries.Should().NotContain(e => e.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordHeartbeatAsync_ThrottledTwice_RetriesWithFreshSignaturesAndSucceeds()
    {
        // Each read of the clock moves it on, so a re-used signature would show up as a repeated X-Amz-Date.
        var time = new FakeTimeProvider(Now) { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), time);
        var throttled = (400, QueryApiHarness.Error("Throttling", "Rate exceeded"));
        harness.RespondInSequence(throttled, throttled, (200, QueryApiHarness.Success("RecordLifecycleActionHeartbeat")));

        var outcome = await harness.Client.RecordHeartbeatAsync(WithToken, Ct);

        outcome.Should().Be(LifecycleActionOutcome.Done);
        var requests = harness.Requests;
        requests.Should().HaveCount(3);
        requests.Select(r => QueryApiHarness.Header(r, "X-Amz-Date")).Should().OnlyHaveUniqueItems();
        requests.Should().AllSatisfy(r => QueryApiHarness.Header(r, "Authorization").Should().Be(ResignAsReceived(r, Keys)));
        requests.Select(r => r.RequestMessage!.Body).Distinct().Should().ContainSingle("every attempt sends the same form");
    }

    [Fact]
    public async Task RecordHeartbeatAsync_AlwaysThrottled_GivesUpWithTransientError()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((400, QueryApiHarness.Error("Throttling", "Rate exceeded")));

        var act = () => harness.Client.RecordHeartbeatAsync(WithToken, Ct);

        var error = (await act.Should().ThrowAsync<AutoScalingException>()).Which;
        error.IsTransient.Should().BeTrue();
        error.ErrorCode.Should().Be("Throttling");
        harness.Requests.Should().HaveCount(4, "one attempt and MaxRetryAttempts = 3 retries");
    }

    [Fact]
    public async Task CompleteAsync_ResourceContention_RetriesAndSucceeds()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence(
            (500, QueryApiHarness.Error("ResourceContention", "You already have a pending update to an Auto Scaling resource.", "Receiver")),
            (200, QueryApiHarness.Success("CompleteLifecycleAction")));

        var outcome = await harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        outcome.Should().Be(LifecycleActionOutcome.Done);
        harness.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task CompleteAsync_ConnectionResetMidBody_RetriesAndSucceeds()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        var reset = StalledBody.ResetMidway(QueryApiHarness.Success("CompleteLifecycleAction"));
        harness.Server.Given(Request.Create().WithPath("/").UsingPost()).InScenario("reset").WillSetStateTo("answered")
            .RespondWith(Response.Create().WithCallback(_ => reset.Reply("text/xml")));
        harness.Server.Given(Request.Create().WithPath("/").UsingPost()).InScenario("reset").WhenStateIs("answered")
            .RespondWith(Response.Create().WithHeader("Content-Type", "text/xml").WithBody(QueryApiHarness.Success("CompleteLifecycleAction")));

        var outcome = await harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        outcome.Should().Be(LifecycleActionOutcome.Done);
        harness.Requests.Should().HaveCount(2, "a reply cut off mid-body is a failed attempt, retried like a failed connection");
    }

    [Fact]
    public async Task CompleteAsync_AlwaysServerError_GivesUpWithTransientError()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((503, "<html>Service Unavailable</html>"));

        var act = () => harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        (await act.Should().ThrowAsync<AutoScalingException>()).Which.IsTransient.Should().BeTrue();
        harness.Requests.Should().HaveCount(4);
    }

    [Fact]
    public async Task CompleteAsync_AccessDenied_FailsAtOnceNamingTheMissingPermission()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((403, QueryApiHarness.Error("AccessDenied",
            "User: arn:aws:sts::123456789012:assumed-role/salt-master/i-0aaaabbbbccccdddd is not authorized to perform: " +
            "autoscaling:CompleteLifecycleAction on resource: arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/my-asg " +
            "because no identity-based policy allows the autoscaling:CompleteLifecycleAction action")));

        var act = () => harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        var error = (await act.Should().ThrowAsync<AutoScalingException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.ErrorCode.Should().Be("AccessDenied");
        error.Message.Should().StartWith(
            "autoscaling:CompleteLifecycleAction is not allowed for arn:aws:sts::123456789012:assumed-role/salt-master/i-0aaaabbbbccccdddd: add it to the bridge's IAM policy");
        harness.Requests.Should().ContainSingle("a refusal is not retried");
    }

    [Fact]
    public async Task RecordHeartbeatAsync_ExpiredToken_FailsAtOnceSayingSo()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((403, QueryApiHarness.Error("ExpiredToken", "The security token included in the request is expired")));

        var act = () => harness.Client.RecordHeartbeatAsync(WithToken, Ct);

        var error = (await act.Should().ThrowAsync<AutoScalingException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.Message.Should().Contain("credentials have expired");
        harness.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task CompleteAsync_OtherValidationError_FailsWithoutLeakingTheToken()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((400, QueryApiHarness.Error("ValidationError", $"1 validation error detected: Value '{Token}' is invalid")));

        var act = () => harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        var error = (await act.Should().ThrowAsync<AutoScalingException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.ErrorCode.Should().Be("ValidationError");
        error.Message.Should().Contain("<token>").And.NotContain(Token);
        harness.Logs.Entries.Should().NotContain(e => e.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompleteAsync_NoCredentials_FailsWithoutCallingAws()
    {
        var missing = new AutoScalingException("No usable AWS credentials", isTransient: false, "MissingCredentials");
        var credentials = new StaticCredentialsSource(null, missing);
        await using var harness = new QueryApiHarness(credentials, new FakeTimeProvider(Now));
        harness.RespondInSequence((200, QueryApiHarness.Success("CompleteLifecycleAction")));

        var act = () => harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        (await act.Should().ThrowAsync<AutoScalingException>()).Which.Should().BeSameAs(missing);
        credentials.Calls.Should().Be(1, "a credential failure is not retried");
        harness.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task CompleteAsync_NothingListening_RetriesThenFailsTransient()
    {
        var closedPort = LoopbackPort.Free();
        var credentials = new StaticCredentialsSource(Keys);
        await using var harness = new QueryApiHarness(credentials, new FakeTimeProvider(Now), $"http://127.0.0.1:{closedPort}");

        var act = () => harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        var error = (await act.Should().ThrowAsync<AutoScalingException>()).Which;
        error.IsTransient.Should().BeTrue();
        error.InnerException.Should().BeOfType<HttpRequestException>();
        credentials.Calls.Should().Be(4, "every attempt is signed afresh");
    }

    [Fact]
    public async Task CompleteAsync_SuccessStatusWithoutAutoScalingAnswer_IsNotTakenAsDone()
    {
        await using var harness = new QueryApiHarness(new StaticCredentialsSource(Keys), new FakeTimeProvider(Now));
        harness.RespondInSequence((200, "<html><body>Welcome to the proxy</body></html>"));

        var act = () => harness.Client.CompleteAsync(WithToken, LifecycleActionResult.Continue, Ct);

        (await act.Should().ThrowAsync<AutoScalingException>()).Which.IsTransient.Should().BeFalse();
    }

    [Fact]
    public async Task RecordHeartbeatAsync_CallerCancelsMidCall_ThrowsOperationCanceled()
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // The job ends just as the request is being signed, i.e. while the call is under way.
        var credentials = new StaticCredentialsSource(Keys, onCall: job.Cancel);
        await using var harness = new QueryApiHarness(credentials, new FakeTimeProvider(Now));
        harness.RespondInSequence((200, QueryApiHarness.Success("RecordLifecycleActionHeartbeat")));

        var act = () => harness.Client.RecordHeartbeatAsync(WithToken, job.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        credentials.Calls.Should().Be(1, "cancellation is not retried");
    }

    /// <summary>Signs what the server received, as the server would check it.</summary>
    private static string ResignAsReceived(WireMock.Logging.ILogEntry entry, ImmutableCredentials credentials)
    {
        var message = entry.RequestMessage!;
        var date = DateTimeOffset.ParseExact(QueryApiHarness.Header(entry, "X-Amz-Date"), "yyyyMMdd'T'HHmmss'Z'",
            System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);
        var request = new SigV4Request(
            new HttpMethod(message.Method!),
            new Uri($"http://{QueryApiHarness.Header(entry, "Host")}{message.Path}"),
            [],
            Encoding.UTF8.GetBytes(message.Body ?? string.Empty));
        return SigV4Signer.Sign(request, credentials, QueryApiHarness.Region, "autoscaling", date).Authorization;
    }
}
