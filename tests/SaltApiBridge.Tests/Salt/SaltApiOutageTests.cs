using Microsoft.Extensions.Logging;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Salt;

/// <summary>
/// A master's salt-api that stops answering, as the operator sees it: one warning for the outage, one line when it
/// ends; every attempt and retry of the resilience pipeline at Debug, counted in <c>saltapibridge_retries</c>.
/// </summary>
public sealed class SaltApiOutageTests
{
    private const string Id = SaltApiHarness.MinionId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Call_SaltApiDownForThreeCalls_OneWarningSayingWhatAndWhatHappensMeanwhile()
    {
        await using var salt = SaltApiHarness.StartWithoutServer();

        for (var i = 0; i < 3; i++)
            await FailingCallAsync(salt);

        AtLeast(salt, LogLevel.Warning).Should().ContainSingle().Which.Should().Contain(
            $"salt-api local is not answering: salt-api at {salt.BaseUrl} is unreachable: connection refused; meanwhile work that needs salt-api is retried with backoff");
        salt.Outages.IsDown("salt-api local").Should().BeTrue();
    }

    [Fact]
    public async Task Call_SaltApiDown_ResilienceEventsAreDebugWithoutExceptionText()
    {
        await using var salt = SaltApiHarness.StartWithoutServer();

        await FailingCallAsync(salt);

        var polly = salt.Logs.Lines.Where(l => l.Contains(" Polly: ", StringComparison.Ordinal)).ToList();
        polly.Should().Contain(l => l.Contains("OnRetry", StringComparison.Ordinal), "the events are still there for whoever turns Debug on");
        polly.Should().OnlyContain(l => l.StartsWith("Debug ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Call_SaltApiDown_EachRetryCountedByMasterAndOutcome()
    {
        await using var salt = SaltApiHarness.StartWithoutServer();

        await FailingCallAsync(salt);

        salt.Metrics.Sum("retries{dependency=salt-api local,outcome=connection_error}").Should().Be(2, "MaxRetries is 2");
        salt.Metrics.Sum("salt_api_calls{call=POST /login,master=local,result=failed}").Should().Be(1, "one call, whatever its retries");
    }

    [Fact]
    public async Task Call_AnsweredAfterAnOutage_OneLineWithItsDuration()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("44"));
        salt.Outages.Failed("salt-api local", "connection refused", "launches wait");
        salt.Time.Advance(TimeSpan.FromSeconds(20));

        await salt.Master.GetKeyStateAsync(Id, Ct);

        AtLeast(salt, LogLevel.Information).Where(l => l.Contains("answering again", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("salt-api local is answering again, after 00:00:20");
        salt.Metrics.Sum("salt_api_calls{call=wheel key.name_match,master=local,result=ok}").Should().Be(1);
    }

    [Theory]
    [InlineData("GET /jobs/20261206120102024599_f22cfe12e8cc177e", "GET /jobs")]
    [InlineData("POST /hook/saltapibridge/launching", "POST /hook")]
    [InlineData("local_async state.highstate", "local_async state.highstate")]
    [InlineData("wheel key.accept_dict", "wheel key.accept_dict")]
    public void CallLabel_Operation_BoundedWithoutJidOrTag(string operation, string label) =>
        SaltApiSession.CallLabel(operation).Should().Be(label);

    private static async Task FailingCallAsync(SaltApiHarness salt)
    {
        var act = () => salt.Master.GetKeyStateAsync(Id, Ct);
        await act.Should().ThrowAsync<SaltApiException>();
    }

    private static IEnumerable<string> AtLeast(SaltApiHarness salt, LogLevel level) =>
        salt.Logs.Lines.Where(l => Enum.Parse<LogLevel>(l[..l.IndexOf(' ', StringComparison.Ordinal)]) >= level);
}
