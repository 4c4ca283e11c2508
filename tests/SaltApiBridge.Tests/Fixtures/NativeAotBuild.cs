using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Tests.Fixtures;

/// <summary>The daemon as users install it, a Native AOT executable, published once per test run into artifacts/aot.</summary>
public sealed class NativeAotBuild : IAsyncLifetime
{
    public string Executable { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Executable = await NativeAotPublish.PublishAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
