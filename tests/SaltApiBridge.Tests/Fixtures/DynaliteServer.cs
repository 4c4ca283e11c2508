using Amazon.DynamoDBv2;
using SaltApiBridge.Coordination;
using SaltApiBridge.Simulation;
using SaltApiBridge.Simulation.Local;

namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// dynalite on a loopback port, started once for the test assembly from tools/dynalite (installed with npm ci when
/// missing); each test makes tables of its own. A dedicated instance (<see cref="StartDedicatedAsync"/>) listens on a
/// fixed port with its data in a directory, so it can be stopped and started again with its tables and items.
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime
{
    private readonly int port;
    private readonly string? dataDirectory;
    private DynaliteEmulator? emulator;

    /// <summary>The assembly's shared instance: any free port, in memory.</summary>
    public DynaliteServer()
        : this(0, null)
    {
    }

    private DynaliteServer(int port, string? dataDirectory)
    {
        this.port = port;
        this.dataDirectory = dataDirectory;
    }

    public const string Region = DynaliteEmulator.Region;

    public string Endpoint => Running.Endpoint;

    private DynaliteEmulator Running => emulator ?? throw new InvalidOperationException("dynalite is not running");

    /// <summary>An instance of its own on a free port chosen now, its data in <paramref name="dataDirectory"/>.</summary>
    public static async Task<DynaliteServer> StartDedicatedAsync(string dataDirectory)
    {
        var server = new DynaliteServer(LoopbackPort.Free(), dataDirectory);
        await server.InitializeAsync();
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        var directory = DynaliteEmulator.FindDirectory() ?? throw new DirectoryNotFoundException("tools/dynalite not found above " + AppContext.BaseDirectory);
        // Tables come up fast (dynalite's 500 ms CREATING would only slow every test), but not at once: create-table's
        // wait for ACTIVE still runs.
        emulator = await DynaliteEmulator.StartAsync(directory, null, CancellationToken.None, port, dataDirectory, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Stops dynalite (its port then refuses connections); a dedicated instance keeps its data on disk.</summary>
    public async Task StopAsync()
    {
        if (emulator is null)
            return;
        await emulator.DisposeAsync();
        emulator = null;
    }

    /// <summary>Starts a stopped dedicated instance again, on the same port, with the same data.</summary>
    public async Task StartAgainAsync()
    {
        if (emulator is not null)
            throw new InvalidOperationException("dynalite is running");
        await InitializeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public IAmazonDynamoDB CreateClient() => Running.CreateClient();

    public CoordinationOptions Options(string tableName, string replicaName, TimeSpan? leaseDuration = null) =>
        Running.Options(tableName, replicaName, leaseDuration);

    /// <summary>A table of the documented schema, new for the caller, through create-table's own code.</summary>
    public async Task<string> CreateTableAsync(string prefix = "coordination")
    {
        var name = $"{prefix}-{Guid.NewGuid():N}";
        await Running.CreateTableAsync(name, TestContext.Current.CancellationToken);
        return name;
    }
}
