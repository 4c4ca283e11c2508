using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.Queue;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.EndToEnd;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;

namespace SaltApiBridge.Tests.Chaos;

/// <summary>
/// One chaos scenario's world: a queue with a redrive policy to its dead-letter queue (in fauxqs), the simulated
/// salt-api and Auto Scaling API, one timeline over both, and the messages sent. Ends in a <see cref="ChaosRecord"/>.
/// </summary>
internal sealed class ChaosRun : IAsyncDisposable
{
    /// <summary>The AWS secret key the daemons sign with (never to be logged).</summary>
    public const string AwsSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    private readonly FauxqsServer fauxqs;
    private readonly IAmazonSQS sqs;
    private readonly List<SentMessage> sent = [];
    private readonly Dictionary<string, string> external = new(StringComparer.Ordinal);
    private readonly HashSet<string> refusedKeys = new(StringComparer.Ordinal);
    private readonly Stopwatch clock = Stopwatch.StartNew();

    /// <param name="queueName">The main queue's name; by default a new one for <paramref name="scenario"/>.</param>
    public ChaosRun(FauxqsServer fauxqs, string scenario, string? queueName = null)
    {
        this.fauxqs = fauxqs;
        sqs = fauxqs.CreateSqsClient();
        QueueName = queueName ?? NewQueueName(scenario);
        Timeline.Follow(Salt, AutoScaling);
    }

    public SimulatedSaltApi Salt { get; } = new();

    public SimulatedAutoScaling AutoScaling { get; } = new();

    public ChaosTimeline Timeline { get; } = new();

    public string QueueName { get; }

    public string DeadLetterQueueName => DeadLetterQueueOf(QueueName);

    public string QueueUrl { get; private set; } = "";

    public string DeadLetterQueueUrl { get; private set; } = "";

    public IReadOnlyList<SentMessage> Sent => sent;

    public TimeSpan Elapsed => clock.Elapsed;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string NewQueueName(string scenario) => $"chaos-{scenario}-{Guid.NewGuid():N}"[..40];

    /// <summary>The dead-letter queue, then the queue redriving to it after <paramref name="maxReceiveCount"/> receives.</summary>
    public static IReadOnlyList<(string Name, Dictionary<string, string> Attributes)> QueueDefinitions(string queueName, int maxReceiveCount, int visibilityTimeoutSeconds) =>
    [
        (DeadLetterQueueOf(queueName), new Dictionary<string, string>()),
        (queueName, new Dictionary<string, string>
        {
            ["VisibilityTimeout"] = visibilityTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["RedrivePolicy"] = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["deadLetterTargetArn"] = FauxqsServer.QueueArn(DeadLetterQueueOf(queueName)),
                ["maxReceiveCount"] = maxReceiveCount.ToString(CultureInfo.InvariantCulture),
            }),
        }),
    ];

    /// <summary>The real daemon in-process against this run's queue and simulators, with its deletes on the timeline.</summary>
    /// <param name="configureServices">Further replacements (a DynamoDB client for a local table).</param>
    public Task<BridgeDaemon> StartDaemonAsync(Dictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null) =>
        BridgeDaemon.StartAsync(fauxqs, QueueUrl, Salt, AutoScaling, overrides ?? ChaosSettings.InProcess(), services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IMessageQueue>(sp => new RecordingMessageQueue(sp.GetRequiredService<SqsMessageQueue>(), Timeline)));
            configureServices?.Invoke(services);
        });

    /// <summary>Creates both queues (or, on a dedicated emulator that made them at start, learns their URLs).</summary>
    public async Task CreateQueuesAsync(int maxReceiveCount, int visibilityTimeoutSeconds)
    {
        var definitions = QueueDefinitions(QueueName, maxReceiveCount, visibilityTimeoutSeconds);
        DeadLetterQueueUrl = await fauxqs.CreateQueueAsync(definitions[0].Name, definitions[0].Attributes);
        QueueUrl = await fauxqs.CreateQueueAsync(definitions[1].Name, definitions[1].Attributes);
    }

    /// <summary>Sends in order, ten to a batch (big bodies alone: a batch is capped at 256 KiB).</summary>
    public async Task<IReadOnlyList<SentMessage>> SendAsync(IEnumerable<ChaosMessage> messages)
    {
        var now = new List<SentMessage>();
        messages = [.. messages];
        Announce(messages);
        foreach (var batch in Batches(messages))
        {
            var entries = batch.Select((m, i) => new SendMessageBatchRequestEntry("m" + i, m.Body)).ToList();
            var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = QueueUrl, Entries = entries }, Ct);
            if (response.Failed is { Count: > 0 } failed)
                throw new InvalidOperationException("SQS refused: " + string.Join("; ", failed.Select(f => $"{batch[int.Parse(f.Id[1..], CultureInfo.InvariantCulture)].Label}: {f.Message}")));
            now.AddRange(response.Successful.OrderBy(s => int.Parse(s.Id[1..], CultureInfo.InvariantCulture))
                .Select(s => new SentMessage(s.MessageId, batch[int.Parse(s.Id[1..], CultureInfo.InvariantCulture)])));
        }

        lock (sent)
            sent.AddRange(now);
        return now;
    }

    /// <summary>Sends a body as raw bytes through the SQS JSON protocol (bytes the SDK would never produce, such as invalid UTF-8).</summary>
    public async Task<SentMessage> SendRawAsync(ChaosMessage message, byte[] messageBody)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(messageBody);
        Announce([message]);
        var prefix = Encoding.UTF8.GetBytes("{\"QueueUrl\":" + JsonSerializer.Serialize(QueueUrl) + ",\"MessageBody\":\"");
        using var content = new ByteArrayContent([.. prefix, .. messageBody, .. "\"}"u8.ToArray()]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.0");
        content.Headers.Add("X-Amz-Target", "AmazonSQS.SendMessage");
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(fauxqs.Endpoint + "/"), content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"SQS refused {message.Label}: {text}");
        var one = new SentMessage(JsonDocument.Parse(text).RootElement.GetProperty("MessageId").GetString()!, message);
        lock (sent)
            sent.Add(one);
        return one;
    }

    /// <summary>
    /// Auto Scaling knows each instance it launches, waiting in Pending:Wait (the accept gate asks it), and every
    /// lifecycle action's token (a takeover completes by instance id).
    /// </summary>
    private void Announce(IEnumerable<ChaosMessage> messages)
    {
        foreach (var m in messages.Where(m => m.Group is not null && m.MinionId is not null && m.Token is not null))
        {
            var instanceId = m.MinionId![(m.Group!.Length + 1)..];
            if (m.Launch && AutoScaling.StateOf(instanceId) is null)
                AutoScaling.AddInstance(m.Group, instanceId, token: m.Token, hook: m.Hook);
            else
                AutoScaling.AddAction(instanceId, m.Token!, m.Hook);
        }
    }

    /// <summary>Completes an action the way another party would (unsigned, straight to the endpoint), before or while the daemon works on it.</summary>
    public async Task CompleteElsewhereAsync(ChaosMessage message, string result)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (external)
            external[message.Token!] = result;
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "CompleteLifecycleAction",
            ["Version"] = "2011-01-01",
            ["AutoScalingGroupName"] = message.Group!,
            ["LifecycleHookName"] = message.Hook!,
            ["LifecycleActionToken"] = message.Token!,
            ["LifecycleActionResult"] = result,
        });
        using var response = await http.PostAsync(new Uri(AutoScaling.Url + "/"), form, Ct);
    }

    /// <summary>An operator rejected this minion's key before its launch arrived.</summary>
    public void RefuseKey(string minionId)
    {
        refusedKeys.Add(minionId);
        Salt.SetKey(minionId, "minions_rejected");
    }

    /// <summary>Visible, in flight and delayed messages of the main queue.</summary>
    public async Task<int> DepthAsync()
    {
        var attributes = await sqs.GetQueueAttributesAsync(
            QueueUrl, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"], Ct);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible + attributes.ApproximateNumberOfMessagesDelayed;
    }

    public Task UntilDrainedAsync(TimeSpan timeout) =>
        Eventually.UntilAsync(
            async () => await DepthAsync() == 0,
            timeout,
            () => $"the queue never drained; last salt calls: {string.Join(" | ", Salt.Calls.TakeLast(12).Select(c => $"{c.MinionId} {c.What}"))}");

    /// <summary>Takes everything out of the dead-letter queue.</summary>
    public async Task<IReadOnlyList<DeadLetter>> DeadLettersAsync()
    {
        var letters = new List<DeadLetter>();
        while (true)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = DeadLetterQueueUrl,
                MaxNumberOfMessages = 10,
                VisibilityTimeout = 600,
                WaitTimeSeconds = 0,
                MessageSystemAttributeNames = ["ApproximateReceiveCount"],
            }, Ct);
            if (received.Messages is not { Count: > 0 } messages)
                return letters;
            letters.AddRange(messages.Select(m => new DeadLetter(
                m.MessageId, m.Body, int.Parse(m.Attributes?.GetValueOrDefault("ApproximateReceiveCount") ?? "0", CultureInfo.InvariantCulture))));
        }
    }

    /// <summary>The record of the run, once the queue has drained.</summary>
    public async Task<ChaosRecord> RecordAsync(IReadOnlyList<string> logLines, SaltFaultInjector? faults = null)
    {
        ArgumentNullException.ThrowIfNull(logLines);
        var letters = await DeadLettersAsync();
        string[] secrets = [SaltApiHarness.Token, SaltApiHarness.Password, AwsSecretKey, .. sent.Select(s => s.Message.Token).OfType<string>()];
        return new ChaosRecord(
            [.. sent], Timeline, Salt.Violations,
            faults?.Requests ?? [],
            new Dictionary<string, string>(external, StringComparer.Ordinal),
            new HashSet<string>(refusedKeys, StringComparer.Ordinal),
            letters, await DepthAsync(), logLines, secrets,
            sent.Select(s => s.Message.MinionId).OfType<string>().Distinct(StringComparer.Ordinal)
                .ToDictionary(m => m, m => (Salt.StateRunsStarted(m, "state.highstate"), Salt.StateRunsStarted(m, "state.sls")), StringComparer.Ordinal));
    }

    /// <summary>One line of what happened, for the test output and docs/reliability.md.</summary>
    public static string Summary(ChaosRecord record, SaltFaultInjector? faults, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(record);
        var completions = record.AutoScalingCalls.Where(c => c.Action == "CompleteLifecycleAction").ToList();
        var successful = completions.GroupBy(c => $"{c.Group}/{c.Hook}/{c.ActionToken ?? c.Token}").Count();
        var redelivered = record.LogLines.Count(l => l.Contains(": starting (message ", StringComparison.Ordinal) && !l.Contains(", receive 1)", StringComparison.Ordinal));
        var resumed = record.LogLines.Count(l => l.Contains(": resuming from its record", StringComparison.Ordinal));
        var kinds = string.Join(", ", record.Sent.GroupBy(s => s.Message.Expect).Select(g => $"{g.Count()} {g.Key}"));
        var injected = faults is not { InjectedTotal: > 0 }
            ? $"none in {faults?.Exchanges ?? 0} salt-api exchanges"
            : $"{faults.InjectedTotal} of {faults.Exchanges} salt-api exchanges ({string.Join(", ", faults.Injected.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}"))})";
        return $"messages {record.Sent.Count} ({kinds}); faults {injected}; successful completions {successful} " +
               $"(calls {completions.Count}); dead letters {record.DeadLetters.Count}; work restarted on redelivery {redelivered}; " +
               $"resumed from records {resumed}; " +
               $"salt violations {record.SaltViolations.Count}; state runs started {record.StateRunsStarted.Values.Sum(r => r.Highstates + r.Cleanups)} for " +
               $"{record.StateRunActions} lifecycle actions; {elapsed.TotalSeconds:F1} s";
    }

    public async ValueTask DisposeAsync()
    {
        sqs.Dispose();
        await Salt.DisposeAsync();
        await AutoScaling.DisposeAsync();
    }

    private static string DeadLetterQueueOf(string queueName) => queueName + "-dlq";

    private static IEnumerable<List<ChaosMessage>> Batches(IEnumerable<ChaosMessage> messages)
    {
        var batch = new List<ChaosMessage>();
        foreach (var message in messages)
        {
            if (Encoding.UTF8.GetByteCount(message.Body) > 16 * 1024)
            {
                if (batch.Count > 0)
                    yield return batch;
                batch = [];
                yield return [message];
                continue;
            }

            batch.Add(message);
            if (batch.Count == 10)
            {
                yield return batch;
                batch = [];
            }
        }

        if (batch.Count > 0)
            yield return batch;
    }
}
