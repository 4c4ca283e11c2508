using System.Globalization;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace SaltApiBridge.Simulation.Local;

/// <summary>
/// The fauxqs SQS/SNS emulator (tools/fauxqs, Node) on a loopback port, for the demo (<see cref="NodeService"/>).
/// </summary>
internal sealed class FauxqsEmulator : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string AccountId = "000000000000";

    private readonly NodeService service;
    private readonly HttpClient http = new();

    private FauxqsEmulator(NodeService service) => this.service = service;

    public string Endpoint => service.Endpoint;

    /// <summary>tools/fauxqs above the current directory or the binary, or null.</summary>
    public static string? FindDirectory() => NodeService.FindDirectory("fauxqs");

    /// <summary>Installs the pinned emulator when missing (npm ci), starts it and waits for its endpoint.</summary>
    /// <param name="port">0: any free loopback port.</param>
    /// <param name="queuesJson">With a fixed port: a JSON array of <c>{"name", "attributes"}</c> created before the port
    /// opens (so a restarted emulator has its queues back at the same URLs).</param>
    public static async Task<FauxqsEmulator> StartAsync(
        string directory, Action<string>? progress, CancellationToken cancellationToken, int port = 0, string queuesJson = "[]")
    {
        var environment = new Dictionary<string, string>
        {
            ["FAUXQS_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["FAUXQS_QUEUES"] = queuesJson,
        };
        return new FauxqsEmulator(await NodeService.StartAsync(directory, "fauxqs", environment, progress, cancellationToken));
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
        await service.DisposeAsync();
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
}
