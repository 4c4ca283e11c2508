using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace SaltApiBridge.Simulation.Local;

/// <summary>
/// The fauxqs SQS/SNS emulator (tools/fauxqs, Node) on a loopback port, for the demo. Starting Node is the demo's
/// business only: the daemon itself never starts a process. Fixed program and arguments, no shell.
/// </summary>
internal sealed class FauxqsEmulator : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string AccountId = "000000000000";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly HttpClient http = new();

    private FauxqsEmulator(Process process, string endpoint)
    {
        this.process = process;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    /// <summary>tools/fauxqs above the current directory or the binary, or null.</summary>
    public static string? FindDirectory() =>
        LocalCheckout.Root() is { } root && File.Exists(Path.Combine(root, "tools", "fauxqs", "start.mjs"))
            ? Path.Combine(root, "tools", "fauxqs")
            : null;

    /// <summary>Installs the pinned emulator when missing (npm ci), starts it and waits for its endpoint.</summary>
    /// <param name="port">0: any free loopback port.</param>
    /// <param name="queuesJson">With a fixed port: a JSON array of <c>{"name", "attributes"}</c> created before the port
    /// opens (so a restarted emulator has its queues back at the same URLs).</param>
    public static async Task<FauxqsEmulator> StartAsync(
        string directory, Action<string>? progress, CancellationToken cancellationToken, int port = 0, string queuesJson = "[]")
    {
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "fauxqs")))
        {
            progress?.Invoke("installing the SQS/SNS emulator (npm ci in tools/fauxqs)…");
            await RunToEndAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], directory, cancellationToken);
        }

        var start = new ProcessStartInfo("node", ["start.mjs"])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["FAUXQS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FAUXQS_QUEUES"] = queuesJson;
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("the emulator exited: " + await process.StandardError.ReadToEndAsync(timeout.Token));
            var endpoint = JsonDocument.Parse(line).RootElement.GetProperty("endpoint").GetString()!;
            return new FauxqsEmulator(process, endpoint);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public IAmazonSQS CreateSqsClient() =>
        new AmazonSQSClient(new BasicAWSCredentials("demo", "demo"), new AmazonSQSConfig { ServiceURL = Endpoint, AuthenticationRegion = Region });

    /// <summary>Creates a queue and returns the exact QueueUrl the emulator answered.</summary>
    public async Task<string> CreateQueueAsync(string name, Dictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        using var sqs = CreateSqsClient();
        var response = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes ?? [] }, cancellationToken);
        return response.QueueUrl;
    }

    /// <summary>Messages still in a queue: visible plus in flight.</summary>
    public static async Task<int> MessagesLeftAsync(IAmazonSQS sqs, string queueUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        var attributes = await sqs.GetQueueAttributesAsync(queueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"], cancellationToken);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    public static string QueueArn(string name) => $"arn:aws:sqs:{Region}:{AccountId}:{name}";

    /// <summary>SNS over its Query API (the SNS SDK package is not in our mirror).</summary>
    public async Task<string> CreateTopicAsync(string name, CancellationToken cancellationToken) =>
        (await SnsAsync(new() { ["Action"] = "CreateTopic", ["Name"] = name }, cancellationToken))
            .Descendants().First(e => e.Name.LocalName == "TopicArn").Value;

    public Task SubscribeQueueAsync(string topicArn, string queueName, CancellationToken cancellationToken) =>
        SnsAsync(new() { ["Action"] = "Subscribe", ["TopicArn"] = topicArn, ["Protocol"] = "sqs", ["Endpoint"] = QueueArn(queueName) }, cancellationToken);

    public Task PublishAsync(string topicArn, string message, string? subject, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["Action"] = "Publish", ["TopicArn"] = topicArn, ["Message"] = message };
        if (subject is not null)
            form["Subject"] = subject;
        return SnsAsync(form, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
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
    }

    private async Task<XDocument> SnsAsync(Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        form["Version"] = "2010-03-31";
        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri(Endpoint + "/"), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"SNS {form["Action"]} failed: {(int)response.StatusCode} {text}");
        return XDocument.Parse(text);
    }

    private static async Task RunToEndAsync(string file, string[] arguments, string directory, CancellationToken cancellationToken)
    {
        // npm's own lines ("added 79 packages in 15s") would break into the caller's output: kept, and shown only on failure.
        using var install = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = install.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = install.StandardError.ReadToEndAsync(cancellationToken);
        await install.WaitForExitAsync(cancellationToken);
        if (install.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {install.ExitCode}: {await stdout}{await stderr}");
    }
}
