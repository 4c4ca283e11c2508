using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Tests.Pipeline;

namespace SaltApiBridge.Tests.AutoScaling;

public sealed class LifecycleHookCatalogTests
{
    private readonly FakeTimeProvider time = new();
    private readonly FakeAutoScalingInventory inventory = new();
    private readonly LifecycleHookCatalog catalog;

    public LifecycleHookCatalogTests() =>
        catalog = new LifecycleHookCatalog(
            inventory, Options.Create(new AutoScalingOptions { HookCacheDuration = TimeSpan.FromMinutes(5) }), time, NullLogger<LifecycleHookCatalog>.Instance);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindAsync_ManyLaunchesOfOneGroup_OneDescribeUntilTheCacheExpires()
    {
        var hooks = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => catalog.FindAsync("web", "provision", Ct)));
        time.Advance(TimeSpan.FromMinutes(4));
        await catalog.FindAsync("web", "clean-up", Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        await catalog.FindAsync("web", "provision", Ct);

        hooks.Should().OnlyContain(h => h!.HeartbeatTimeout == TimeSpan.FromSeconds(300));
        inventory.Calls.Should().Equal("hooks web", "hooks web");
    }

    [Fact]
    public async Task FindAsync_NoHookOfThatName_Null()
    {
        (await catalog.FindAsync("web", "no-such-hook", Ct)).Should().BeNull();
    }
}
