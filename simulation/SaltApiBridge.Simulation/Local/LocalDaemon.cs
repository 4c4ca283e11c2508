using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Simulation.Local;

/// <summary>The real daemon (<see cref="BridgeHost"/>) against the local emulator, with fixed AWS credentials: the demo and the benchmarks.</summary>
internal static class LocalDaemon
{
    public static WebApplication Build(FauxqsEmulator emulator, IDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        return BridgeHost.Build(null, builder => builder.AddInMemoryCollection(settings), services =>
        {
            // The machine's AWS setup must not matter: the emulator's client, and credentials for the simulated Auto Scaling.
            services.Replace(ServiceDescriptor.Singleton(_ => emulator.CreateSqsClient()));
            services.Replace(ServiceDescriptor.Singleton<IAwsCredentialsSource>(new FixedCredentials(DemoCredentials.AccessKeyId, DemoCredentials.SecretAccessKey)));
            configureServices?.Invoke(services);
        });
    }
}
