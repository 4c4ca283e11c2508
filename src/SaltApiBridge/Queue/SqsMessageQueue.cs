using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.Hosting;
using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Queue;

/// <summary>
/// The SQS queue, by URL or by name (resolved once). A call SQS does not answer is counted
/// (<c>saltapibridge_errors{type="queue"}</c>) and told to <see cref="DependencyOutages"/>: one warning per outage.
/// </summary>
public sealed class SqsMessageQueue(
    IAmazonSQS sqs,
    IOptions<QueueOptions> options,
    ILogger<SqsMessageQueue> logger,
    DependencyOutages? outages = null,
    BridgeMetrics? metrics = null,
    TimeProvider? timeProvider = null) : IMessageQueue, IDisposable
{
    /// <summary>What the daemon does while SQS does not answer, for its one outage warning.</summary>
    internal const string Meanwhile =
        "no new messages are received (polling again with backoff, up to 30 s apart); work in flight goes on; a failed delete or visibility change leaves its message to come back, recognised as done";

    private readonly SemaphoreSlim resolving = new(1, 1);
    private string? queueUrl = options.Value.QueueUrl;
    private (string Arn, string Url)? deadLetter;
    private string? deadLetterProblem;

    /// <summary>The queue's URL; resolves the configured name on first use.</summary>
    public async Task<string> GetUrlAsync(CancellationToken cancellationToken)
    {
        if (queueUrl is not null)
            return queueUrl;
        await resolving.WaitAsync(cancellationToken);
        try
        {
            if (queueUrl is null)
            {
                var name = options.Value.QueueName!;
                var response = await Call("GetQueueUrl", () => sqs.GetQueueUrlAsync(name, cancellationToken), $"queue '{name}'", cancellationToken);
                queueUrl = response.QueueUrl;
                QueueLog.QueueResolved(logger, name, queueUrl);
            }

            return queueUrl;
        }
        finally
        {
            resolving.Release();
        }
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken);
        // The receive grants the configured visibility itself, whatever the queue's default: the visibility keeper
        // then starts from it instead of extending every new message at its first look (a round of calls after each
        // burst), and a first extension that fails leaves the message the whole of it.
        var seconds = options.Value.VisibilityTimeoutSeconds;
        var invisibleUntil = (timeProvider ?? TimeProvider.System).GetUtcNow() + TimeSpan.FromSeconds(seconds);
        var response = await Call(
            "ReceiveMessage",
            () => sqs.ReceiveMessageAsync(
                new ReceiveMessageRequest
                {
                    QueueUrl = url,
                    MaxNumberOfMessages = Math.Clamp(maxMessages, 1, 10),
                    WaitTimeSeconds = options.Value.WaitTimeSeconds,
                    VisibilityTimeout = seconds,
                    MessageSystemAttributeNames = ["ApproximateReceiveCount"],
                },
                cancellationToken),
            url,
            cancellationToken);
        if (response.Messages is not { Count: > 0 } messages)
            return [];
        return [.. messages.Select(m => new QueueMessage(m.MessageId, m.ReceiptHandle, m.Body ?? "", ReceiveCount(m), invisibleUntil))];
    }

    public async Task<IReadOnlyList<QueueMessage>> DeleteAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
            return [];
        var url = await GetUrlAsync(cancellationToken);
        var response = await Call(
            "DeleteMessageBatch",
            () => sqs.DeleteMessageBatchAsync(
                new DeleteMessageBatchRequest
                {
                    QueueUrl = url,
                    Entries = [.. messages.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle))],
                },
                cancellationToken),
            url,
            cancellationToken);
        if (response.Failed is not { Count: > 0 } failed)
            return [];
        foreach (var entry in failed)
            QueueLog.DeleteFailed(logger, messages[int.Parse(entry.Id, CultureInfo.InvariantCulture)].MessageId, entry.Code, entry.Message);
        return [.. failed.Select(f => messages[int.Parse(f.Id, CultureInfo.InvariantCulture)])];
    }

    public async Task<IReadOnlyList<QueueMessage>> ChangeVisibilityAsync(IReadOnlyList<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
            return [];
        var url = await GetUrlAsync(cancellationToken);
        var seconds = (int)Math.Clamp(visibility.TotalSeconds, 0, 43_200);
        var response = await Call(
            "ChangeMessageVisibilityBatch",
            () => sqs.ChangeMessageVisibilityBatchAsync(
                new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = url,
                    Entries = [.. messages.Select((m, i) => new ChangeMessageVisibilityBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle) { VisibilityTimeout = seconds })],
                },
                cancellationToken),
            url,
            cancellationToken);
        if (response.Failed is not { Count: > 0 } failed)
            return [];
        foreach (var entry in failed)
            QueueLog.VisibilityChangeFailed(logger, messages[int.Parse(entry.Id, CultureInfo.InvariantCulture)].MessageId, entry.Code, entry.Message);
        return [.. failed.Select(f => messages[int.Parse(f.Id, CultureInfo.InvariantCulture)])];
    }

    /// <summary>
    /// The queue's depth and, when its RedrivePolicy names one, its dead-letter queue's (its URL asked once per ARN).
    /// </summary>
    public async Task<(QueueDepth Main, QueueDepth? DeadLetter)> GetDepthAsync(CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken);
        var main = await Call("GetQueueAttributes", () => sqs.GetQueueAttributesAsync(url, [.. QueueDepth.AttributeNames, "RedrivePolicy"], cancellationToken), $"queue {url}", cancellationToken);
        if (RedrivePolicy.DeadLetterArn(main.Attributes) is not { } arn)
            return (QueueDepth.From(main.Attributes), null);
        try
        {
            return (QueueDepth.From(main.Attributes), await GetDeadLetterDepthAsync(arn, cancellationToken));
        }
        catch (QueueUnavailableException e)
        {
            // No rights on the dead-letter queue (or it is gone): the main queue's depth still counts; said once.
            if (deadLetterProblem != e.Message)
                QueueLog.DeadLetterQueueUnknown(logger, e.Message);
            deadLetterProblem = e.Message;
            return (QueueDepth.From(main.Attributes), null);
        }
    }

    public void Dispose() => resolving.Dispose();

    private async Task<QueueDepth?> GetDeadLetterDepthAsync(string arn, CancellationToken cancellationToken)
    {
        if (deadLetter?.Arn != arn)
        {
            // arn:aws:sqs:<region>:<account>:<name>
            var parts = arn.Split(':');
            if (parts.Length != 6)
                throw new QueueUnavailableException($"the RedrivePolicy's deadLetterTargetArn '{arn}' is not an SQS queue ARN", null);
            var found = await Call(
                "GetQueueUrl",
                () => sqs.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = parts[5], QueueOwnerAWSAccountId = parts[4] }, cancellationToken),
                $"dead-letter queue {arn}",
                cancellationToken);
            deadLetter = (arn, found.QueueUrl);
        }

        var url = deadLetter.Value.Url;
        var depth = await Call("GetQueueAttributes", () => sqs.GetQueueAttributesAsync(url, [.. QueueDepth.AttributeNames], cancellationToken), $"dead-letter queue {url}", cancellationToken);
        deadLetterProblem = null;
        return QueueDepth.From(depth.Attributes);
    }

    private static int ReceiveCount(Message message) =>
        message.Attributes is { } attributes && attributes.TryGetValue("ApproximateReceiveCount", out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;

    /// <summary>One cheap authenticated call (GetQueueAttributes QueueArn): the queue answers to these credentials.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken);
        await Call("GetQueueAttributes", () => sqs.GetQueueAttributesAsync(url, ["QueueArn"], cancellationToken), $"queue {url}", cancellationToken);
    }

    /// <summary>
    /// Turns the errors an operator must fix into <see cref="QueueUnavailableException"/>; the rest stay transient,
    /// counted and told to the outages. An answer ends an SQS outage.
    /// </summary>
    private async Task<T> Call<T>(string operation, Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await call();
            outages?.Answered(DependencyNames.Sqs);
            return answer;
        }
        catch (QueueDoesNotExistException e)
        {
            throw new QueueUnavailableException($"SQS {what} does not exist: check Queue:QueueUrl / Queue:QueueName and Queue:Region", e);
        }
        catch (AmazonSQSException e) when (e.ErrorCode is "AccessDenied" or "AccessDeniedException" or "AWS.SimpleQueueService.NonExistentQueue" || e.StatusCode == HttpStatusCode.Forbidden)
        {
            throw e.ErrorCode == "AWS.SimpleQueueService.NonExistentQueue"
                ? new QueueUnavailableException($"SQS {what} does not exist: check Queue:QueueUrl / Queue:QueueName and Queue:Region", e)
                : new QueueUnavailableException($"access to SQS {what} is denied ({e.Message}): grant the bridge's role sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueUrl and sqs:GetQueueAttributes on it", e);
        }
        catch (AmazonServiceException e) when (e.ErrorCode is "InvalidClientTokenId" or "UnrecognizedClientException" or "SignatureDoesNotMatch" or "ExpiredToken")
        {
            throw new QueueUnavailableException($"AWS refused the bridge's credentials for SQS {what} ({e.ErrorCode}): check the credential chain (environment, profile, instance role)", e);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics?.Error("queue");
            outages?.Failed(DependencyNames.Sqs, $"SQS {operation}: {(e.InnerException is HttpRequestException inner ? inner.Message : e.Message)}", Meanwhile);
            throw;
        }
    }
}
