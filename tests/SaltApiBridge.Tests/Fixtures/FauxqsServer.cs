using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

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
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient http = new();
    private readonly int port;
    private readonly string queues;
    private Process? process;

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

    public string Endpoint { get; private set; } = "";

    public const string Region = "us-east-1";

    /// <summary>An instance of its own on <paramref name="port"/>, with these queues (name → attributes) at every start.</summary>
    public static async Task<FauxqsServer> StartDedicatedAsync(int port, IReadOnlyList<(string Name, Dictionary<string, string> Attributes)> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var definitions = JsonSerializer.Serialize(queues.Select(q => new Dictionary<string, object> { ["name"] = q.Name, ["attributes"] = q.Attributes }));
        var server = new FauxqsServer(port, definitions);
        await server.InitializeAsync();
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        var directory = Path.Combine(RepositoryRoot(), "tools", "fauxqs");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "fauxqs")))
            await RunToEndAsync("npm", "ci --no-audit --no-fund --loglevel=error", directory);

        var start = new ProcessStartInfo("node", "start.mjs")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["FAUXQS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FAUXQS_QUEUES"] = queues;
        process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var timeout = new CancellationTokenSource(StartTimeout);
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException("fauxqs exited before it was ready: " + await process.StandardError.ReadToEndAsync(timeout.Token));
        Endpoint = JsonDocument.Parse(line).RootElement.GetProperty("endpoint").GetString()!;
    }

    /// <summary>Stops the emulator (its port then refuses connections); everything it held is gone.</summary>
    public async Task StopAsync()
    {
        if (process is null)
            return;
        // Closing stdin asks the launcher to stop; kill only if it does not.
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
        process = null;
    }

    /// <summary>Starts a stopped dedicated instance again, on the same port, with its queues empty.</summary>
    public async Task StartAgainAsync()
    {
        if (process is not null)
            throw new InvalidOperationException("fauxqs is running");
        await InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await StopAsync();
    }

    public IAmazonSQS CreateSqsClient() =>
        new AmazonSQSClient(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = Endpoint, AuthenticationRegion = Region });

    /// <summary>Creates a queue (unique name per test) and returns the exact QueueUrl the emulator answered.</summary>
    public async Task<string> CreateQueueAsync(string name, Dictionary<string, string>? attributes = null)
    {
        using var sqs = CreateSqsClient();
        var response = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes ?? [] });
        return response.QueueUrl;
    }

    public static string QueueArn(string name) => $"arn:aws:sqs:{Region}:000000000000:{name}";

    /// <summary>SNS over its Query API (the SNS SDK package is not in our mirror).</summary>
    public async Task<string> CreateTopicAsync(string name) =>
        (await SnsAsync(new() { ["Action"] = "CreateTopic", ["Name"] = name })).Descendants().First(e => e.Name.LocalName == "TopicArn").Value;

    public async Task SubscribeQueueAsync(string topicArn, string queueName) =>
        await SnsAsync(new() { ["Action"] = "Subscribe", ["TopicArn"] = topicArn, ["Protocol"] = "sqs", ["Endpoint"] = QueueArn(queueName) });

    public async Task PublishAsync(string topicArn, string message, string? subject = null)
    {
        var form = new Dictionary<string, string> { ["Action"] = "Publish", ["TopicArn"] = topicArn, ["Message"] = message };
        if (subject is not null)
            form["Subject"] = subject;
        await SnsAsync(form);
    }

    private async Task<XDocument> SnsAsync(Dictionary<string, string> form)
    {
        form["Version"] = "2010-03-31";
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri(Endpoint + "/"), content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"SNS {form["Action"]} failed: {(int)response.StatusCode} {text}");
        return XDocument.Parse(text);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaltApiBridge.sln")))
                return dir.FullName;
        }

        throw new DirectoryNotFoundException("SaltApiBridge.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task RunToEndAsync(string file, string arguments, string directory)
    {
        using var install = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, UseShellExecute = false })
            ?? throw new InvalidOperationException($"{file} did not start");
        await install.WaitForExitAsync();
        if (install.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed with exit code {install.ExitCode}");
    }
}
