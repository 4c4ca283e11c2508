using System.Text.Json.Nodes;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Salt;

public sealed class SaltApiSessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Login_GoodCredentials_PostsJsonCredentialsAndUsesTokenHeader()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnHook("saltapibridge/launching").RespondWith(SaltApiHarness.Reply("26"));

        await salt.Master.FireEventAsync("saltapibridge/launching", new JsonObject { ["x"] = 1 }, Ct);

        var login = salt.Logins.Should().ContainSingle().Subject;
        var body = JsonNode.Parse(login.Body!)!.AsObject();
        body.Select(p => p.Key).Should().BeEquivalentTo("username", "password", "eauth");
        body["username"]!.GetValue<string>().Should().Be("saltapi");
        body["password"]!.GetValue<string>().Should().Be(SaltApiHarness.Password);
        body["eauth"]!.GetValue<string>().Should().Be("file");
        SaltApiHarness.Header(login, "Accept").Should().Be("application/json");
        SaltApiHarness.Header(login, "Content-Type").Should().StartWith("application/json");
        SaltApiHarness.Header(login, "X-Auth-Token").Should().BeNull();

        var hook = salt.Requests("/hook/saltapibridge/launching").Should().ContainSingle().Subject;
        SaltApiHarness.Header(hook, "X-Auth-Token").Should().Be(SaltApiHarness.Token);
        // The master re-sends the token as a cookie; the client keeps no cookies.
        SaltApiHarness.Header(hook, "Cookie").Should().BeNull();
    }

    [Fact]
    public async Task Login_PasswordFile_SendsFileContentWithoutTrailingNewline()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "from-file-pw\n", Ct);
            await using var salt = SaltApiHarness.Start(new Dictionary<string, string?>
            {
                ["SaltApi:Password"] = null,
                ["SaltApi:PasswordFile"] = file,
                ["SaltApi:Eauth"] = "pam",
            }).WithLogin();
            salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("44"));

            await salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);

            var body = JsonNode.Parse(salt.Logins.Single().Body!)!;
            body["password"]!.GetValue<string>().Should().Be("from-file-pw");
            body["eauth"]!.GetValue<string>().Should().Be("pam");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Login_WrongPassword_ThrowsClearNonTransientError()
    {
        await using var salt = SaltApiHarness.Start();
        salt.OnLogin().RespondWith(SaltApiHarness.Reply("02"));
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("44"));

        var act = () => salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);

        var error = (await act.Should().ThrowAsync<SaltApiException>()).Which;
        error.Message.Should().Be("salt-api refused the credentials of user saltapi (eauth file)");
        error.IsTransient.Should().BeFalse();
        // A 401 is never retried by the pipeline, and a refused login is not repeated.
        salt.Logins.Should().ContainSingle();
        salt.Requests("/").Should().BeEmpty();
        error.Message.Should().NotContain(SaltApiHarness.Password);
    }

    [Fact]
    public async Task Invoke_TokenValidUntilExpireMinusMargin_ThenOneReLogin()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("44"));

        await salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);
        // Transcript 01: expire - start = 43200 s (12 h); the default margin is 5 min.
        salt.Time.Advance(TimeSpan.FromHours(12) - TimeSpan.FromMinutes(6));
        await salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);
        salt.Logins.Should().ContainSingle();

        salt.Time.Advance(TimeSpan.FromMinutes(2));
        await salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);
        await salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);

        salt.Logins.Should().HaveCount(2);
        salt.Requests("/").Should().HaveCount(4);
    }

    [Fact]
    public async Task Invoke_CallAnswers401_ReLogsInOnceAndRetriesOnce()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        // First call: the master no longer knows the token (transcript 28: 401 HTML); then the normal reply.
        salt.OnLowstate("wheel", "key.name_match").InScenario("token").WillSetStateTo("renewed")
            .RespondWith(SaltApiHarness.Reply("28"));
        salt.OnLowstate("wheel", "key.name_match").InScenario("token").WhenStateIs("renewed")
            .RespondWith(SaltApiHarness.Reply("44"));

        var state = await salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);

        state.Should().Be(MinionKeyState.Accepted);
        salt.Logins.Should().HaveCount(2);
        salt.Requests("/").Should().HaveCount(2);
    }

    [Fact]
    public async Task Invoke_401EvenWithFreshToken_ThrowsAfterExactlyOneReLogin()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("40"));

        var act = () => salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);

        var error = (await act.Should().ThrowAsync<SaltApiException>()).Which;
        error.IsTransient.Should().BeFalse();
        error.Message.Should().Contain("401").And.Contain("fresh token of user saltapi (eauth file)")
            .And.Contain("No permission -- see authorization schemes");
        salt.Logins.Should().HaveCount(2);
        salt.Requests("/").Should().HaveCount(2);
    }

    [Fact]
    public async Task Invoke_HundredConcurrentCallsWithExpiredToken_ShareExactlyOneLogin()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnHook("saltapibridge/launching").RespondWith(SaltApiHarness.Reply("26"));
        await salt.Master.FireEventAsync("saltapibridge/launching", [], Ct);
        salt.Time.Advance(TimeSpan.FromHours(13));

        await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(i => salt.Master.FireEventAsync("saltapibridge/launching", new JsonObject { ["i"] = i }, Ct)));

        salt.Logins.Should().HaveCount(2, "one login at start, and exactly one for the 100 calls that found it expired");
        salt.Requests("/hook/saltapibridge/launching").Should().HaveCount(101);
    }

    [Fact]
    public async Task HundredConcurrentFirstCalls_WithoutAnyToken_ShareExactlyOneLogin()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnHook("saltapibridge/launching").RespondWith(SaltApiHarness.Reply("26"));

        await Task.WhenAll(Enumerable.Range(0, 100)
            .Select(_ => salt.Master.FireEventAsync("saltapibridge/launching", [], Ct)));

        salt.Logins.Should().ContainSingle();
    }

    [Fact]
    public async Task Dispose_AfterLogin_LogsOutWithTheToken()
    {
        var salt = SaltApiHarness.Start().WithLogin();
        await using (salt)
        {
            salt.OnLogout().RespondWith(SaltApiHarness.Reply("39"));
            salt.OnLowstate("wheel", "key.name_match").RespondWith(SaltApiHarness.Reply("44"));
            await salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);

            await salt.Session.DisposeAsync();

            var logout = salt.Requests("/logout").Should().ContainSingle().Subject;
            SaltApiHarness.Header(logout, "X-Auth-Token").Should().Be(SaltApiHarness.Token);
        }
    }

    [Fact]
    public async Task Logs_WholeSession_NeverContainTokenOrPassword()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnLogout().RespondWith(SaltApiHarness.Reply("39"));
        salt.OnLowstate("wheel", "key.name_match").InScenario("t").WillSetStateTo("renewed").RespondWith(SaltApiHarness.Reply("28"));
        salt.OnLowstate("wheel", "key.name_match").InScenario("t").WhenStateIs("renewed").RespondWith(SaltApiHarness.Reply("44"));

        await salt.Master.GetKeyStateAsync(SaltApiHarness.MinionId, Ct);
        await salt.Session.LogoutAsync(Ct);

        salt.Logs.Lines.Should().NotBeEmpty();
        salt.Logs.Lines.Should().Contain(l => l.Contains("X-Auth-Token", StringComparison.Ordinal), "headers are logged by name at Trace");
        salt.Logs.Lines.Should().NotContain(l => l.Contains(SaltApiHarness.Token, StringComparison.Ordinal));
        salt.Logs.Lines.Should().NotContain(l => l.Contains(SaltApiHarness.Password, StringComparison.Ordinal));
        SaltApiTranscript.Load("28").ResponseBodyRaw.Should().Contain("No permission");
    }
}
