using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Salt;

public sealed class SaltApiOptionsValidatorTests
{
    private static SaltApiOptions Valid() => new() { Username = "saltapi", Password = "pw" };

    [Fact]
    public void Validate_Defaults_Succeed() =>
        new SaltApiOptionsValidator().Validate(null, Valid()).Succeeded.Should().BeTrue();

    [Theory]
    [InlineData("http://127.0.0.1:8000")]
    [InlineData("http://127.3.2.1:8000")]
    [InlineData("http://localhost:8000")]
    [InlineData("https://[::1]:8000")]
    public void Validate_LoopbackBaseUrl_Succeeds(string url)
    {
        var options = Valid();
        options.BaseUrl = url;

        new SaltApiOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("http://10.0.0.5:8000")]
    [InlineData("http://salt.example.com:8000")]
    [InlineData("http://localhost.example.com:8000")]
    public void Validate_RemoteBaseUrl_FailsUnlessAllowed(string url)
    {
        var options = Valid();
        options.BaseUrl = url;

        var refused = new SaltApiOptionsValidator().Validate(null, options);
        options.AllowRemoteSaltApi = true;
        var allowed = new SaltApiOptionsValidator().Validate(null, options);

        refused.Failures.Should().ContainSingle().Which.Should().Contain("not loopback").And.Contain("AllowRemoteSaltApi");
        allowed.Succeeded.Should().BeTrue();
    }

    [Fact]
    public void Validate_ManyProblems_ListsEveryOne()
    {
        var options = new SaltApiOptions
        {
            BaseUrl = "ftp://127.0.0.1",
            Username = " ",
            Password = "pw",
            PasswordFile = "/nonexistent",
            Eauth = "File!",
            AttemptTimeout = TimeSpan.FromMinutes(5),
            RequestTimeout = TimeSpan.FromMinutes(1),
            MaxRetries = -1,
            JobPollInterval = TimeSpan.FromSeconds(30),
            JobPollMaxInterval = TimeSpan.FromSeconds(10),
            PingTimeoutSeconds = 0,
            DefaultStates = { "clean", "a,b" },
        };

        var result = new SaltApiOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().HaveCount(9);
        result.Failures.Should().Contain(f => f.Contains("BaseUrl", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Username", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("exactly one of Password and PasswordFile", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Eauth", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("RequestTimeout", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("MaxRetries", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("JobPollMaxInterval", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("PingTimeoutSeconds", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("'a,b'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingPasswordFile_Fails()
    {
        var options = new SaltApiOptions { Username = "saltapi", PasswordFile = "/nonexistent/salt-api.pw" };

        new SaltApiOptionsValidator().Validate(null, options).Failures.Should().ContainSingle()
            .Which.Should().Contain("/nonexistent/salt-api.pw");
    }

    [Fact]
    public void AddSaltApi_InvalidSection_ResolvingTheOptionsListsEveryProblem()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SaltApi:BaseUrl"] = "http://192.0.2.1:8000" })
            .Build();
        using var services = new ServiceCollection().AddLogging().AddSaltApi(configuration).BuildServiceProvider();

        // What `run` and `check` do before anything starts (BridgeHost.ConfigurationProblems).
        var act = () => services.GetRequiredService<IOptions<SaltApiOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().HaveCount(3);
    }

    [Theory]
    [InlineData("", "clean")]
    [InlineData("highstate-off,decommission", "highstate-off,decommission")]
    public void AddSaltApi_DefaultStates_ConfiguredListReplacesTheDefault(string configured, string expected)
    {
        var settings = new Dictionary<string, string?> { ["SaltApi:Username"] = "saltapi", ["SaltApi:Password"] = "pw" };
        var states = configured.Split(',', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < states.Length; i++)
            settings[$"SaltApi:DefaultStates:{i}"] = states[i];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddSaltApi(configuration).BuildServiceProvider();

        services.GetRequiredService<IOptions<SaltApiOptions>>().Value.EffectiveDefaultStates.Should().Equal(expected.Split(','));
    }

    [Fact]
    public async Task AddSaltApi_ValidSection_ResolvesSaltApiMaster()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SaltApi:Username"] = "saltapi", ["SaltApi:Password"] = "pw" })
            .Build();
        await using var services = new ServiceCollection().AddLogging().AddSaltApi(configuration).BuildServiceProvider();

        _ = services.GetRequiredService<IOptions<SaltApiOptions>>().Value;
        services.GetRequiredService<ISaltMaster>().Should().BeOfType<SaltApiMaster>();
    }
}
