using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// What an end-to-end test stands the in-process daemon on: a queue of its own on fauxqs, the simulated salt-api and
/// the simulated Auto Scaling, all on loopback. The test class forwards its <see cref="IAsyncLifetime"/> to it.
/// </summary>
internal sealed class LoopbackStage(FauxqsServer fauxqs, string queuePrefix) : IAsyncLifetime
{
    private readonly IAmazonSQS sqs = fauxqs.CreateSqsClient();

    public SimulatedSaltApi Salt { get; } = new();

    public SimulatedAutoScaling AutoScaling { get; } = new();

    public string QueueName { get; } = queuePrefix + "-" + Guid.NewGuid().ToString("N");

    public string QueueUrl { get; private set; } = "";

    /// <summary>For asking the daemon's health listener (<c>/status</c>, <c>/metrics</c>, …); disposed with the stage.</summary>
    public HttpClient Http { get; } = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => QueueUrl = await fauxqs.CreateQueueAsync(QueueName);

    /// <summary>The daemon on this stage (<see cref="BridgeDaemon.StartAsync"/>).</summary>
    public Task<BridgeDaemon> StartDaemonAsync(IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null) =>
        BridgeDaemon.StartAsync(fauxqs, QueueUrl, Salt, AutoScaling, overrides, configureServices);

    public Task SendAsync(string body) => sqs.SendMessageAsync(QueueUrl, body, Ct);

    public Task<int> MessagesLeftAsync() => FauxqsEmulator.MessagesLeftAsync(sqs, QueueUrl, Ct);

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        Http.Dispose();
        await Salt.DisposeAsync();
        await AutoScaling.DisposeAsync();
    }
}
