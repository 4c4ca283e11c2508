using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Tests.Hosting;

public sealed class BridgeHostTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Queue:QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/saltapibridge",
        ["Queue:Region"] = "eu-west-1",
        ["SaltApi:Username"] = "saltapi",
        ["SaltApi:Password"] = "secret",
        ["AutoScaling:Region"] = "eu-west-1",
        ["Health:Urls"] = "http://127.0.0.1:0",
    };

    [Fact]
    public async Task ConfigurationProblems_ValidConfiguration_None()
    {
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(Valid));

        BridgeHost.ConfigurationProblems(app.Services).Should().BeEmpty();
    }

    [Fact]
    public async Task ConfigurationProblems_SeveralSectionsWrong_ListsEveryProblemAtOnce()
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            ["Queue:QueueUrl"] = null,
            ["SaltApi:BaseUrl"] = "http://10.0.0.5:8000",
            ["Pipeline:StepAttempts"] = "0",
            ["Bridge:MinionIdTemplate"] = "{group}",
            ["Pipeline:MaxInstancesInFlight"] = "32",
        };
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(settings));

        var problems = BridgeHost.ConfigurationProblems(app.Services);

        problems.Should().HaveCountGreaterThanOrEqualTo(5);
        problems.Should().Contain(p => p.StartsWith("Queue", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("loopback", StringComparison.OrdinalIgnoreCase))
            .And.Contain(p => p.Contains("StepAttempts", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("MinionIdTemplate", StringComparison.Ordinal))
            .And.Contain(p => p.Contains("MaxInstancesInFlight", StringComparison.Ordinal), "a misspelt key is reported, not ignored");
        problems.Should().NotContain(p => p.Contains("secret", StringComparison.Ordinal), "the password never appears in an error");
    }

    [Fact]
    public async Task ConfigurationProblems_NoAutoScalingRegionAnywhere_ListedInsteadOfThrownLater()
    {
        await using var app = BridgeHost.Build(null, configuration => configuration.AddInMemoryCollection(Valid), services =>
            services.Replace(ServiceDescriptor.Singleton(_ => AutoScalingEndpoint.Resolve(new AutoScalingOptions(), sdkRegion: () => null))));

        BridgeHost.ConfigurationProblems(app.Services).Should().ContainSingle()
            .Which.Should().Contain("AutoScaling:Region is not set");
    }
}
