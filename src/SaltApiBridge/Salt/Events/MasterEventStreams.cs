using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Salt.Events;

/// <summary>
/// One <see cref="SaltEventStream"/> per further master of <c>SaltApi:Masters</c> (the first master's is its own hosted
/// service): each master's bus is its own, and a job's return is on the bus of the master that published it.
/// </summary>
internal sealed class MasterEventStreams(SaltMasters masters, IServiceProvider services) : IHostedService, IDisposable
{
    private readonly List<SaltEventStream> _streams = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var stack in masters.Further)
        {
            var stream = new SaltEventStream(
                stack.Session, stack.Waiters, stack.Master, services.GetRequiredService<IHttpClientFactory>(), stack.Options,
                services.GetRequiredService<TimeProvider>(), services.GetRequiredService<EventStreamMetrics>(),
                services.GetRequiredService<ILogger<SaltEventStream>>(), SaltEventStream.HttpClientName + ":" + stack.Name);
            _streams.Add(stream);
            await stream.StartAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_streams.Select(s => s.StopAsync(cancellationToken)));

    public void Dispose()
    {
        foreach (var stream in _streams)
            stream.Dispose();
    }
}
