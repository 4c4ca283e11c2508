using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SaltApiBridge.Hosting;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;
using SaltApiBridge.Tests.Salt;
using SaltApiBridge.Tests.Salt.Events;

namespace SaltApiBridge.Tests.Queue;

public sealed class SqsMessageQueueTests(FauxqsServer fauxqs)
{
    private SqsMessageQueue Queue(QueueOptions options) =>
        new(fauxqs.CreateSqsClient(), Options.Create(options), NullLogger<SqsMessageQueue>.Instance);

    [Fact]
    public async Task ReceiveAsync_MessagesWaiting_ReturnsThemWithReceiveCount()
    {
        var name = "receive-" + Guid.NewGuid().ToString("N");
        var url = await fauxqs.CreateQueueAsync(name);
        using var sqs = fauxqs.CreateSqsClient();
        await sqs.SendMessageAsync(url, "{\"a\":1}", TestContext.Current.CancellationToken);
        using var queue = Queue(new QueueOptions { QueueName = name, WaitTimeSeconds = 1 });

        var messages = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);

        messages.Should().ContainSingle().Which.Body.Should().Be("{\"a\":1}");
        messages[0].ReceiveCount.Should().Be(1);
        (await queue.GetUrlAsync(TestContext.Current.CancellationToken)).Should().Be(url);
    }

    [Fact]
    public async Task ReceiveAsync_QueueDefaultShorter_GrantsTheConfiguredVisibilityAndSaysUntilWhen()
    {
        var url = await fauxqs.CreateQueueAsync("grant-" + Guid.NewGuid().ToString("N"), new() { ["VisibilityTimeout"] = "1" });
        using var sqs = fauxqs.CreateSqsClient();
        await sqs.SendMessageAsync(url, "m", TestContext.Current.CancellationToken);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-06T20:00:00Z", CultureInfo.InvariantCulture));
        using var queue = new SqsMessageQueue(
            fauxqs.CreateSqsClient(), Options.Create(new QueueOptions { QueueUrl = url, WaitTimeSeconds = 1, VisibilityTimeoutSeconds = 10 }),
            NullLogger<SqsMessageQueue>.Instance, timeProvider: time);

        var received = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);
        // Long-polling past the queue's own one second: the message would show again had the receive granted nothing.
        var again = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, WaitTimeSeconds = 3 }, TestContext.Current.CancellationToken);

        received.Should().ContainSingle().Which.InvisibleUntil.Should().Be(time.GetUtcNow() + TimeSpan.FromSeconds(10));
        (again.Messages ?? []).Should().BeEmpty();
    }

    [Fact]
    public async Task DeleteAsync_Batch_RemovesMessages()
    {
        var url = await fauxqs.CreateQueueAsync("delete-" + Guid.NewGuid().ToString("N"));
        using var sqs = fauxqs.CreateSqsClient();
        for (var i = 0; i < 3; i++)
            await sqs.SendMessageAsync(url, "m" + i, TestContext.Current.CancellationToken);
        using var queue = Queue(new QueueOptions { QueueUrl = url, WaitTimeSeconds = 1 });
        var received = await queue.ReceiveAsync(10, TestContext.Current.CancellationToken);

        var failed = await queue.DeleteAsync(received, TestContext.Current.CancellationToken);
        await queue.ChangeVisibilityAsync([], TimeSpan.Zero, TestContext.Current.CancellationToken);

        failed.Should().BeEmpty();
        received.Should().HaveCount(3);
        var attributes = await sqs.GetQueueAttributesAsync(url, ["All"], TestContext.Current.CancellationToken);
        (attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible).Should().Be(0);
    }

    [Fact]
    public async Task ChangeVisibilityAsync_Zero_MakesMessageVisibleAgainWithHigherReceiveCount()
    {
        var url = await fauxqs.CreateQueueAsync("visibility-" + Guid.NewGuid().ToString("N"), new() { ["VisibilityTimeout"] = "300" });
        using var sqs = fauxqs.CreateSqsClient();
        await sqs.SendMessageAsync(url, "m", TestContext.Current.CancellationToken);
        using var queue = Queue(new QueueOptions { QueueUrl = url, WaitTimeSeconds = 1 });
        var first = await queue.ReceiveAsync(1, TestContext.Current.CancellationToken);

        await queue.ChangeVisibilityAsync(first, TimeSpan.Zero, TestContext.Current.CancellationToken);
        var again = await queue.ReceiveAsync(1, TestContext.Current.CancellationToken);

        again.Should().ContainSingle().Which.ReceiveCount.Should().Be(2);
    }

    [Fact]
    public async Task ChangeVisibilityAsync_OneHandleInvalid_ReturnsThatOneAsNotChanged()
    {
        var url = await fauxqs.CreateQueueAsync("visibility-" + Guid.NewGuid().ToString("N"));
        using var sqs = fauxqs.CreateSqsClient();
        await sqs.SendMessageAsync(url, "m", TestContext.Current.CancellationToken);
        using var queue = Queue(new QueueOptions { QueueUrl = url, WaitTimeSeconds = 1 });
        var received = await queue.ReceiveAsync(1, TestContext.Current.CancellationToken);
        var stale = new QueueMessage("stale", "not-a-receipt-handle", "", 1);

        var notChanged = await queue.ChangeVisibilityAsync([received[0], stale], TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        notChanged.Should().Equal(stale);
    }

    [Fact]
    public async Task ReceiveAsync_MissingQueue_ThrowsQueueUnavailableWithClearMessage()
    {
        using var queue = Queue(new QueueOptions { QueueName = "no-such-queue-" + Guid.NewGuid().ToString("N"), WaitTimeSeconds = 1 });

        var act = () => queue.ReceiveAsync(1, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<QueueUnavailableException>()).Which.Message.Should().Contain("does not exist").And.Contain("Queue:QueueName");
    }

    [Fact]
    public async Task SnsPublish_ToSubscribedQueue_DeliversRealEnvelope()
    {
        var name = "sns-" + Guid.NewGuid().ToString("N");
        var url = await fauxqs.CreateQueueAsync(name);
        var topic = await fauxqs.CreateTopicAsync("topic-" + name);
        await fauxqs.SubscribeQueueAsync(topic, name);
        await fauxqs.PublishAsync(topic, "{\"x\":1}");
        using var queue = Queue(new QueueOptions { QueueUrl = url, WaitTimeSeconds = 2 });

        var messages = await queue.ReceiveAsync(1, TestContext.Current.CancellationToken);

        messages.Should().ContainSingle().Which.Body.Should().Contain("\"Type\":\"Notification\"").And.Contain(topic);
    }

    [Fact]
    public async Task ReceiveAsync_SqsUnreachableTwice_OneOutageWarningAndEachFailureCountedAsAQueueError()
    {
        var port = LoopbackPort.Free();
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("demo", "demo"), new AmazonSQSConfig { ServiceURL = $"http://127.0.0.1:{port}", AuthenticationRegion = FauxqsServer.Region, MaxErrorRetry = 0 });
        using var metrics = new MetricRecorder();
        var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var outages = new DependencyOutages(TimeProvider.System, loggers.CreateLogger<DependencyOutages>());
        using var queue = new SqsMessageQueue(
            sqs, Options.Create(new QueueOptions { QueueUrl = $"http://127.0.0.1:{port}/000000000000/q", WaitTimeSeconds = 1 }),
            NullLogger<SqsMessageQueue>.Instance, outages, new BridgeMetrics(metrics.Factory));

        for (var i = 0; i < 2; i++)
        {
            var act = () => queue.ReceiveAsync(1, TestContext.Current.CancellationToken);
            await act.Should().ThrowAsync<Exception>();
        }

        logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("sqs is not answering: SQS ReceiveMessage:").And.Contain("; meanwhile no new messages are received");
        metrics.Sum("errors{type=queue}").Should().Be(2);
    }

    [Fact]
    public async Task GetDepthAsync_QueueWithADeadLetterQueue_CountsBothByState()
    {
        var name = "depth-" + Guid.NewGuid().ToString("N");
        var deadLetterUrl = await fauxqs.CreateQueueAsync(name + "-dlq");
        var url = await fauxqs.CreateQueueAsync(name, new()
        {
            ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{FauxqsServer.QueueArn(name + "-dlq")}}","maxReceiveCount":"3"}""",
        });
        using var sqs = fauxqs.CreateSqsClient();
        await sqs.SendMessageAsync(url, "a", TestContext.Current.CancellationToken);
        await sqs.SendMessageAsync(url, "b", TestContext.Current.CancellationToken);
        await sqs.SendMessageAsync(new SendMessageRequest(url, "later") { DelaySeconds = 60 }, TestContext.Current.CancellationToken);
        await sqs.SendMessageAsync(deadLetterUrl, "dead", TestContext.Current.CancellationToken);
        using var queue = Queue(new QueueOptions { QueueUrl = url, WaitTimeSeconds = 1 });
        await queue.ReceiveAsync(1, TestContext.Current.CancellationToken);

        var (main, deadLetter) = await queue.GetDepthAsync(TestContext.Current.CancellationToken);

        main.Should().Be(new QueueDepth(Visible: 1, InFlight: 1, Delayed: 1));
        deadLetter.Should().Be(new QueueDepth(Visible: 1, InFlight: 0, Delayed: 0));
    }

    [Fact]
    public async Task GetDepthAsync_NoRedrivePolicy_NoDeadLetterDepth()
    {
        var url = await fauxqs.CreateQueueAsync("depth-plain-" + Guid.NewGuid().ToString("N"));
        using var queue = Queue(new QueueOptions { QueueUrl = url, WaitTimeSeconds = 1 });

        var (main, deadLetter) = await queue.GetDepthAsync(TestContext.Current.CancellationToken);

        main.Should().Be(new QueueDepth(0, 0, 0));
        deadLetter.Should().BeNull();
    }
}
