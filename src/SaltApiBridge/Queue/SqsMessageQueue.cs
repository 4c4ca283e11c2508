using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SaltApiBridge.Queue;

/// <summary>The SQS queue, by URL or by name (resolved once).</summary>
public sealed class SqsMessageQueue(IAmazonSQS sqs, IOptions<QueueOptions> options, ILogger<SqsMessageQueue> logger) : IMessageQueue, IDisposable
{
    private readonly SemaphoreSlim resolving = new(1, 1);
    private string? queueUrl = options.Value.QueueUrl;

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
                var response = await Call(() => sqs.GetQueueUrlAsync(name, cancellationToken), $"queue '{name}'");
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
        var response = await Call(
            () => sqs.ReceiveMessageAsync(
                new ReceiveMessageRequest
                {
                    QueueUrl = url,
                    MaxNumberOfMessages = Math.Clamp(maxMessages, 1, 10),
                    WaitTimeSeconds = options.Value.WaitTimeSeconds,
                    MessageSystemAttributeNames = ["ApproximateReceiveCount"],
                },
                cancellationToken),
            url);
        if (response.Messages is not { Count: > 0 } messages)
            return [];
        return [.. messages.Select(m => new QueueMessage(m.MessageId, m.ReceiptHandle, m.Body ?? "", ReceiveCount(m)))];
    }

    public async Task<IReadOnlyList<QueueMessage>> DeleteAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
            return [];
        var url = await GetUrlAsync(cancellationToken);
        var response = await Call(
            () => sqs.DeleteMessageBatchAsync(
                new DeleteMessageBatchRequest
                {
                    QueueUrl = url,
                    Entries = [.. messages.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle))],
                },
                cancellationToken),
            url);
        if (response.Failed is not { Count: > 0 } failed)
            return [];
        foreach (var entry in failed)
            QueueLog.DeleteFailed(logger, messages[int.Parse(entry.Id, CultureInfo.InvariantCulture)].MessageId, entry.Code, entry.Message);
        return [.. failed.Select(f => messages[int.Parse(f.Id, CultureInfo.InvariantCulture)])];
    }

    public async Task ChangeVisibilityAsync(IReadOnlyList<QueueMessage> messages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
            return;
        var url = await GetUrlAsync(cancellationToken);
        var seconds = (int)Math.Clamp(visibility.TotalSeconds, 0, 43_200);
        var response = await Call(
            () => sqs.ChangeMessageVisibilityBatchAsync(
                new ChangeMessageVisibilityBatchRequest
                {
                    QueueUrl = url,
                    Entries = [.. messages.Select((m, i) => new ChangeMessageVisibilityBatchRequestEntry(i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle) { VisibilityTimeout = seconds })],
                },
                cancellationToken),
            url);
        foreach (var entry in response.Failed ?? [])
            QueueLog.VisibilityChangeFailed(logger, messages[int.Parse(entry.Id, CultureInfo.InvariantCulture)].MessageId, entry.Code, entry.Message);
    }

    public void Dispose() => resolving.Dispose();

    private static int ReceiveCount(Message message) =>
        message.Attributes is { } attributes && attributes.TryGetValue("ApproximateReceiveCount", out var text)
            && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count)
            ? count
            : 1;

    /// <summary>Turns the errors an operator must fix into <see cref="QueueUnavailableException"/>; the rest stay transient.</summary>
    /// <summary>One cheap authenticated call (GetQueueAttributes QueueArn): the queue answers to these credentials.</summary>
    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var url = await GetUrlAsync(cancellationToken);
        await Call(() => sqs.GetQueueAttributesAsync(url, ["QueueArn"], cancellationToken), $"queue {url}");
    }

    private static async Task<T> Call<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
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
    }
}
