using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

public sealed class AutoScalingServiceCollectionExtensionsTests
{
    [Fact]
    public void AddAutoScalingLifecycleActions_BadSection_ResolvingTheOptionsListsEveryProblem()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["AutoScaling:Region"] = "moon-base-1a",
            ["AutoScaling:HeartbeatInterval"] = "00:00:01",
        });

        // What `run` and `check` do before anything starts (BridgeHost.ConfigurationProblems).
        var act = () => services.GetRequiredService<IOptions<AutoScalingOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().HaveCount(2);
    }

    [Fact]
    public void AddAutoScalingLifecycleActions_GoodSection_BindsAndResolvesTheClientAndKeeper()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["AutoScaling:Region"] = "eu-west-1",
            ["AutoScaling:HeartbeatInterval"] = "00:05:00",
        });

        services.GetRequiredService<IOptions<AutoScalingOptions>>().Value.HeartbeatInterval.Should().Be(TimeSpan.FromMinutes(5));
        services.GetRequiredService<ILifecycleActionClient>().Should().BeOfType<QueryApiLifecycleActionClient>();
        services.GetRequiredService<HeartbeatKeeper>().Should().NotBeNull();
        services.GetRequiredService<AutoScalingEndpoint>().BaseAddress.Should().Be(new Uri("https://autoscaling.eu-west-1.amazonaws.com/"));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddAutoScalingLifecycleActions(configuration);
        return collection.BuildServiceProvider();
    }
}
