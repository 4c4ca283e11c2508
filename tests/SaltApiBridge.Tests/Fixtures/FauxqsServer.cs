using System.Text.Json;
using Amazon.SQS;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// The fauxqs SQS/SNS emulator on a loopback port, started once for the test assembly from tools/fauxqs (installed
/// with npm ci when missing). A real HTTP server: SNS → SQS delivery produces real envelopes.
/// A dedicated instance (<see cref="StartDedicatedAsync"/>) listens on a fixed port and can be stopped and started
/// again; it keeps state in memory only, so a restart loses every message, and it recreates its queues before the
/// port opens.
/// </summary>
public sealed class FauxqsServer : IAsyncLifetime
{
    private readonly int port;
    private readonly string queues;
    private FauxqsEmulator? emulator;

    /// <summary>The assembly's shared instance: any free port, no queues up front.</summary>
    public FauxqsServer()
        : this(0, "[]")
    {
    }

    private FauxqsServer(int port, string queues)
    {
        this.port = port;
        this.queues = queues;
    }

    public string Endpoint => Running.Endpoint;

    public const string Region = FauxqsEmulator.Region;

    private FauxqsEmulator Running => emulator ?? throw new InvalidOperationException("fauxqs is not running");

    /// <summary>An instance of its own on <paramref name="port"/>, with these queues (name → attributes) at every start.</summary>
    public static async Task<FauxqsServer> StartDedicatedAsync(int port, IReadOnlyList<(string Name, Dictionary<string, string> Attributes)> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var definitions = JsonSerializer.Serialize(queues.Select(q => new Dictionary<string, object> { ["name"] = q.Name, ["attributes"] = q.Attributes }));
        var server = new FauxqsServer(port, definitions);
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Starts the launcher in tools/fauxqs (the demo's own, <see cref="FauxqsEmulator"/>; npm ci when missing).</summary>
    public async ValueTask InitializeAsync()
    {
        var directory = FauxqsEmulator.FindDirectory() ?? throw new DirectoryNotFoundException("tools/fauxqs not found above " + AppContext.BaseDirectory);
        emulator = await FauxqsEmulator.StartAsync(directory, null, CancellationToken.None, port, queues);
    }

    /// <summary>Stops the emulator (its port then refuses connections); everything it held is gone.</summary>
    public async Task StopAsync()
    {
        if (emulator is null)
            return;
        await emulator.DisposeAsync();
        emulator = null;
    }

    /// <summary>Starts a stopped dedicated instance again, on the same port, with its queues empty.</summary>
    public async Task StartAgainAsync()
    {
        if (emulator is not null)
            throw new InvalidOperationException("fauxqs is running");
        await InitializeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public IAmazonSQS CreateSqsClient() => Running.CreateSqsClient();

    /// <summary>Creates a queue (unique name per test) and returns the exact QueueUrl the emulator answered.</summary>
    public Task<string> CreateQueueAsync(string name, Dictionary<string, string>? attributes = null) =>
        Running.CreateQueueAsync(name, attributes, CancellationToken.None);

    public static string QueueArn(string name) => FauxqsEmulator.QueueArn(name);

    /// <summary>SNS over its Query API (the SNS SDK package is not in our mirror).</summary>
    public Task<string> CreateTopicAsync(string name) => Running.CreateTopicAsync(name, CancellationToken.None);

    public Task SubscribeQueueAsync(string topicArn, string queueName) => Running.SubscribeQueueAsync(topicArn, queueName, CancellationToken.None);

    public Task PublishAsync(string topicArn, string message, string? subject = null) =>
        Running.PublishAsync(topicArn, message, subject, CancellationToken.None);
}
