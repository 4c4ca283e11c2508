using System.Net;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Fixtures;
using WireMock.ResponseBuilders;

namespace SaltApiBridge.Tests.Salt;

public sealed class SaltApiFailureTests
{
    private const string Id = SaltApiHarness.MinionId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Call_ClientDisabled_ClearNonTransientErrorWithoutRetry()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("29"));

        var act = () => salt.Master.GetKeyStateAsync(Id, Ct);

        var error = (await act.Should().ThrowAsync<SaltApiException>()).Which;
        error.Message.Should().Be("salt-api client 'ssh' is disabled: add it to netapi_enable_clients in the master configuration");
        error.IsTransient.Should().BeFalse();
        salt.Attempts.Attempts.Should().Be(2, "one login and one call: a 400 is never retried");
    }

    [Fact]
    public void FromStatus_WheelDisabledPage_NamesWheel()
    {
        // Transcript 29's page with the client named wheel, as a master without wheel in netapi_enable_clients writes it.
        var page = SaltApiTranscript.Load("29").ResponseBodyRaw.Replace("'ssh'", "'wheel'", StringComparison.Ordinal);

        var error = SaltApiFailures.FromStatus("http://127.0.0.1:8000", "wheel key.name_match", HttpStatusCode.BadRequest, "Bad Request", page);

        error.Message.Should().Be("salt-api client 'wheel' is disabled: add it to netapi_enable_clients in the master configuration");
    }

    [Fact]
    public async Task Call_UnknownClient_NonTransientErrorQuotingThePage()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("30"));

        var act = () => salt.Master.GetKeyStateAsync(Id, Ct);

        var error = (await act.Should().ThrowAsync<SaltApiException>()).Which;
        error.Message.Should().Be(
            $"salt-api at {salt.BaseUrl} answered 400 Bad Request to wheel key.name_match: Invalid client specified: 'nonsense'");
        error.IsTransient.Should().BeFalse();
    }

    [Fact]
    public async Task Call_SaltApiDown_RetriedThenClearTransientError()
    {
        await using var salt = SaltApiHarness.StartWithoutServer();

        var act = () => salt.Master.GetKeyStateAsync(Id, Ct);

        var error = (await act.Should().ThrowAsync<SaltApiException>()).Which;
        error.Message.Should().Be($"salt-api at {salt.BaseUrl} is unreachable: connection refused");
        error.IsTransient.Should().BeTrue();
        salt.Attempts.Attempts.Should().Be(3, "the first attempt and MaxRetries (2) retries");
    }

    [Fact]
    public async Task Call_ServerError_RetriedThenTransientError()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        // No 5xx was captured; CherryPy answers 500 with the same kind of HTML page as transcript 29.
        var page = SaltApiTranscript.Load("29").ResponseBodyRaw
            .Replace("400 Bad Request", "500 Internal Server Error", StringComparison.Ordinal)
            .Replace("Client disabled: 'ssh'. Add to 'netapi_enable_clients' master config option to enable.",
                "The server encountered an unexpected condition which prevented it from fulfilling the request.", StringComparison.Ordinal);
        salt.OnLowstate("wheel", "key.name_match").RespondWith(
            Response.Create().WithStatusCode(500).WithHeader("Content-Type", "text/html;charset=utf-8").WithBody(page));

        var act = () => salt.Master.GetKeyStateAsync(Id, Ct);

        var error = (await act.Should().ThrowAsync<SaltApiException>()).Which;
        error.IsTransient.Should().BeTrue();
        error.Message.Should().StartWith($"salt-api at {salt.BaseUrl} answered 500 Internal Server Error to wheel key.name_match: The server encountered");
        salt.Lowstates("key.name_match").Should().HaveCount(3);
    }

    [Fact]
    public async Task Call_KeepsFailing_CircuitOpensAndFailsFast()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(Response.Create().WithStatusCode(503));

        SaltApiException? last = null;
        for (var i = 0; i < 10 && last?.Message.Contains("circuit open", StringComparison.Ordinal) != true; i++)
        {
            last = await Assert.ThrowsAsync<SaltApiException>(() => salt.Master.GetKeyStateAsync(Id, Ct));
        }

        last!.Message.Should().Be($"salt-api at {salt.BaseUrl} kept failing; calls are paused for a while (circuit open) — wheel key.name_match not sent");
        last.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task Call_ReplyStallsAfterItsHeaders_AbandonedAtTheAttemptTimeoutAndRetried()
    {
        // 2 s: far below the 30 s stall, and far above what a loaded CI machine needs for the other exchanges.
        await using var salt = SaltApiHarness.Start(new Dictionary<string, string?> { ["SaltApi:AttemptTimeout"] = "00:00:02" }).WithLogin();
        var stalled = StalledBody.Slow(SaltApiTranscript.Load("44").ResponseBodyRaw, TimeSpan.FromSeconds(30));
        AnswerOnceThenAccepted(salt, stalled);
        try
        {
            // Without a bound on reading the body, the call would wait for the whole stall.
            var state = await salt.Master.GetKeyStateAsync(Id, Ct).WaitAsync(TimeSpan.FromSeconds(15), Ct);

            state.Should().Be(MinionKeyState.Accepted);
            salt.Attempts.Attempts.Should().Be(3, "the login, the stalled attempt and its retry");
        }
        finally
        {
            stalled.Release();
        }
    }

    [Fact]
    public async Task Call_ConnectionResetMidBody_RetriedAsTransient()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        AnswerOnceThenAccepted(salt, StalledBody.ResetMidway(SaltApiTranscript.Load("44").ResponseBodyRaw));

        var state = await salt.Master.GetKeyStateAsync(Id, Ct);

        state.Should().Be(MinionKeyState.Accepted);
        salt.Attempts.Attempts.Should().Be(3, "the login, the reset attempt and its retry");
    }

    [Theory]
    [InlineData("02", "Could not authenticate using provided credentials")]
    [InlineData("28", "No permission -- see authorization schemes")]
    [InlineData("30", "Invalid client specified: 'nonsense'")]
    public void HtmlErrorPage_CherryPyPage_ParagraphText(string transcript, string expected) =>
        HtmlErrorPage.Message(SaltApiTranscript.Load(transcript).ResponseBodyRaw).Should().Be(expected);

    /// <summary>key.name_match: first this streamed body, then transcript 44's envelope listing the id as accepted.</summary>
    private static void AnswerOnceThenAccepted(SaltApiHarness salt, StalledBody first)
    {
        salt.OnLowstate("wheel", "key.name_match").InScenario("body").WillSetStateTo("answered")
            .RespondWith(Response.Create().WithCallback(_ => first.Reply()));
        salt.OnLowstate("wheel", "key.name_match").InScenario("body").WhenStateIs("answered")
            .RespondWith(SaltApiHarness.DerivedWheelReply("key.name_match", $$"""{"minions": ["{{Id}}"]}"""));
    }
}
