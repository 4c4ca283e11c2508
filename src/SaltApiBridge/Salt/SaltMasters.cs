using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Salt.Api;
using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Salt;

/// <summary>
/// Builds the <see cref="SaltMasterSet"/>: the <c>SaltApi</c> section's master (the DI-registered
/// <see cref="ISaltMaster"/>) first, then one stack per <c>SaltApi:Masters</c> entry with its own token and event
/// waiters. Disposing it logs the further masters' tokens out.
/// </summary>
internal sealed class SaltMasters : IAsyncDisposable
{
    public SaltMasters(IServiceProvider services, ISaltMaster primary, IOptions<SaltApiOptions> options)
    {
        var all = options.Value;
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var metrics = services.GetRequiredService<EventStreamMetrics>();
        var meters = services.GetService<IMeterFactory>();
        var outages = services.GetRequiredService<Hosting.DependencyOutages>();
        Further = [.. all.Masters.Keys.Select(name =>
        {
            var settings = Microsoft.Extensions.Options.Options.Create(SaltApiServiceCollectionExtensions.MasterOptions(services, name));
            var api = services.GetRequiredKeyedService<ISaltApi>(name);
            var session = new SaltApiSession(api, settings, time, loggers.CreateLogger<SaltApiSession>(), meters, MasterOutage.For(outages, all, name));
            var waiters = new SaltEventWaiters(metrics, name, time);
            var master = new SaltApiMaster(session, api, settings, time, loggers.CreateLogger<SaltApiMaster>(), waiters);
            return new SaltMasterStack(name, settings, session, waiters, master);
        })];
        var topology = all.EffectiveTopology ?? SaltTopology.Hot;
        Set = new SaltMasterSet([new NamedSaltMaster(all.Name, primary), .. Further.Select(s => new NamedSaltMaster(s.Name, s.Master))], topology);
    }

    public SaltMasterSet Set { get; }

    /// <summary>The masters of <c>SaltApi:Masters</c>, in order.</summary>
    public IReadOnlyList<SaltMasterStack> Further { get; }

    public async ValueTask DisposeAsync()
    {
        foreach (var stack in Further)
        {
            await stack.Session.DisposeAsync();
            stack.Waiters.Dispose();
        }
    }
}
