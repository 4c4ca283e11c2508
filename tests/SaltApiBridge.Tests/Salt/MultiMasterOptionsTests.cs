using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Salt;

/// <summary>The multi-master settings: SaltApi:Masters, Topology, MasterDown, and what each further master inherits.</summary>
public sealed class MultiMasterOptionsTests
{
    private static SaltApiOptions Valid(params (string Name, SaltMasterOptions Master)[] masters)
    {
        var options = new SaltApiOptions { Username = "saltapi", Password = "pw" };
        foreach (var (name, master) in masters)
            options.Masters[name] = master;
        return options;
    }

    [Fact]
    public void Validate_RemoteMasterOverHttps_Succeeds()
    {
        var options = Valid(("m2", new SaltMasterOptions { BaseUrl = "https://salt2.internal:8000", Password = "pw2" }));

        new SaltApiOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
        options.EffectiveTopology.Should().Be(SaltTopology.Hot);
    }

    [Fact]
    public void Validate_RemoteMasterOverPlainHttp_FailsNamingIt()
    {
        var options = Valid(("m2", new SaltMasterOptions { BaseUrl = "http://salt2.internal:8000", Password = "pw2" }));

        new SaltApiOptionsValidator().Validate(null, options).Failures.Should().ContainSingle()
            .Which.Should().Contain("SaltApi:Masters:m2:BaseUrl").And.Contain("must be https");
    }

    [Fact]
    public void Validate_ManyMasterProblems_ListsEveryOne()
    {
        var options = Valid(
            ("local", new SaltMasterOptions { BaseUrl = "https://a.internal", Password = "x" }),
            ("bad name!", new SaltMasterOptions { BaseUrl = "https://b.internal", Password = "x", PasswordFile = "/x" }),
            ("m3", new SaltMasterOptions { BaseUrl = "http://127.0.0.1:8000", CaCertificateFile = "/nonexistent/ca.pem" }));
        options.Topology = "ring";
        options.MasterDownTimeout = TimeSpan.Zero;

        var failures = (new SaltApiOptionsValidator().Validate(null, options).Failures ?? []).ToList();

        failures.Should().Contain(f => f.Contains("Topology 'ring'", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("MasterDownTimeout", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("Masters:local: 'local' is SaltApi:Name", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("'bad name!' is not a master name", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("Masters:bad name!: set exactly one of Password and PasswordFile", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("Masters:m3:BaseUrl 'http://127.0.0.1:8000' is also the salt-api of master 'local'", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("Masters:m3: set exactly one of Password and PasswordFile", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("Masters:m3:CaCertificateFile", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("hot", SaltTopology.Hot)]
    [InlineData("shared-pki", SaltTopology.SharedPki)]
    [InlineData("Failover", SaltTopology.Failover)]
    public void EffectiveTopology_WithAFurtherMaster_ParsesTheSetting(string text, SaltTopology expected)
    {
        var options = Valid(("m2", new SaltMasterOptions { BaseUrl = "https://b.internal", Password = "x" }));
        options.Topology = text;

        options.EffectiveTopology.Should().Be(expected);
        Valid().EffectiveTopology.Should().Be(SaltTopology.OneMaster, "with one master the topology setting is ignored");
    }

    [Fact]
    public void ForMaster_EverySetting_IsInheritedButTheMastersOwn()
    {
        var options = Valid();
        // Every settable property gets a value that differs from its default, so a setting ForMaster forgets shows up.
        foreach (var property in typeof(SaltApiOptions).GetProperties().Where(p => p.CanWrite))
        {
            object? value = property.PropertyType switch
            {
                var t when t == typeof(TimeSpan) => TimeSpan.FromSeconds(1234),
                var t when t == typeof(int) => 77,
                var t when t == typeof(bool) => true,
                var t when t == typeof(string) => "inherited",
                var t when t == typeof(MasterDownPolicy) => MasterDownPolicy.Proceed,
                var t when t == typeof(SaltApiBridge.Salt.Events.EventStreamOptions) => new SaltApiBridge.Salt.Events.EventStreamOptions(),
                _ => null,
            };
            if (value is not null)
                property.SetValue(options, value);
        }

        options.DefaultStates.Add("clean.extra");
        var master = new SaltMasterOptions { BaseUrl = "https://b.internal", PasswordFile = "/etc/b", CaCertificateFile = "/etc/ca.pem" };

        var copy = options.ForMaster("m2", master);

        foreach (var property in typeof(SaltApiOptions).GetProperties().Where(p => p.CanWrite))
        {
            var own = property.Name switch
            {
                nameof(SaltApiOptions.Name) => "m2",
                nameof(SaltApiOptions.BaseUrl) => master.BaseUrl,
                nameof(SaltApiOptions.PasswordFile) => master.PasswordFile,
                nameof(SaltApiOptions.Password) => null,
                nameof(SaltApiOptions.CaCertificateFile) => master.CaCertificateFile,
                _ => property.GetValue(options),
            };
            property.GetValue(copy).Should().Be(own, $"{property.Name} of a further master is {(own == property.GetValue(options) ? "inherited" : "its own")}");
        }

        copy.DefaultStates.Should().Equal("clean.extra");
    }

    [Fact]
    public async Task AddSaltApi_TwoMasters_BuildsASetInConfigurationOrder()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SaltApi:Username"] = "saltapi",
            ["SaltApi:Password"] = "pw",
            ["SaltApi:Masters:m2:BaseUrl"] = "http://127.0.0.2:8000",
            ["SaltApi:Masters:m2:Password"] = "pw2",
            ["SaltApi:Topology"] = "failover",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddSaltApi(configuration).BuildServiceProvider();

        var set = services.GetRequiredService<SaltMasterSet>();

        set.Masters.Select(m => m.Name).Should().Equal("local", "m2");
        set.Topology.Should().Be(SaltTopology.Failover);
        set.Primary.Master.Should().BeSameAs(services.GetRequiredService<ISaltMaster>());
        set.Masters[1].Master.Should().NotBeSameAs(set.Primary.Master);
    }

    [Theory]
    [InlineData("SaltApi:Masters:m2:Passwrd is not a setting of the SaltApi:Masters:m2 section; did you mean SaltApi:Masters:m2:Password?", "rename SaltApi:Masters:m2:Passwrd to SaltApi:Masters:m2:Password")]
    [InlineData("SaltApi:Masters:m2:BaseUrl 'http://salt2:8000' is not on this host, so it must be https (with a certificate that verifies).", "over TLS")]
    [InlineData("SaltApi:Masters:m2: set exactly one of Password and PasswordFile (each master has its own credentials).", "give SaltApi:Masters:m2 its own PasswordFile")]
    public void For_AFurtherMastersProblem_NamesThatMastersFix(string problem, string fix) =>
        SaltApiBridge.Hosting.ConfigurationFixes.For(problem).Should().Contain(fix);
}
