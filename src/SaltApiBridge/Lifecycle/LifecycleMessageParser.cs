using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SaltApiBridge.Lifecycle;

/// <summary>
/// Turns an SQS message body into a <see cref="LifecycleEvent"/>: a lifecycle hook sent straight to SQS, the same
/// inside an SNS envelope, an Auto Scaling notification (raw or in SNS), an EventBridge event, or a whole SQS message
/// with its <c>Body</c>. Pure and total: every input yields a result, and no exception escapes.
/// Names are not validated here; see <see cref="LifecycleEventValidator"/>.
/// </summary>
public static class LifecycleMessageParser
{
    /// <summary>SNS caps messages at 256 KB; nothing legitimate from Auto Scaling comes near it.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Real messages nest 5 levels deep (notification Details.InvokingAlarms[].Trigger).</summary>
    public const int MaxDepth = 16;

    private const string LaunchingTransition = "autoscaling:EC2_INSTANCE_LAUNCHING";
    private const string TerminatingTransition = "autoscaling:EC2_INSTANCE_TERMINATING";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <param name="body">The SQS message body.</param>
    /// <param name="sqsMessageId">SQS's own message id, used when the body carries none.</param>
    public static ParseResult Parse(string? body, string? sqsMessageId = null)
    {
        if (string.IsNullOrWhiteSpace(body))
            return ParseResult.Rejected("the message body is empty");

        // Cheap bound first: a char is at most 3 UTF-8 bytes, so only long strings need counting.
        if (body.Length > MaxBodyBytes || (body.Length > MaxBodyBytes / 3 && Encoding.UTF8.GetByteCount(body) > MaxBodyBytes))
            return ParseResult.Rejected($"the message body is larger than {MaxBodyBytes / 1024} KiB");

        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            return ParseDocument(document.RootElement, sqsMessageId, allowSqsWrapper: true, viaSns: false);
        }
        catch (JsonException e)
        {
            return ParseResult.Rejected(DescribeJsonError(e, body));
        }
        catch (ArgumentException)
        {
            // Lone surrogates and similar: the text is not valid Unicode.
            return ParseResult.Rejected("the message body is not valid UTF-8 text");
        }
        catch (InvalidOperationException)
        {
            // Reading a string whose JSON escapes leave a surrogate unpaired (\ud800): valid JSON, no valid text.
            return ParseResult.Rejected("the message holds a string that is not valid Unicode (an unpaired surrogate escape)");
        }
    }

    private static ParseResult ParseDocument(JsonElement root, string? messageId, bool allowSqsWrapper, bool viaSns)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return ParseResult.Rejected($"the message is {Describe(root.ValueKind)}, not an object");

        // A whole SQS message (as `aws sqs receive-message` prints it, or a captured one): its Body is the payload.
        if (allowSqsWrapper && !viaSns && root.TryGetProperty("Body", out var sqsBody)
            && (root.TryGetProperty("ReceiptHandle", out _) || root.TryGetProperty("MD5OfBody", out _)))
        {
            if (sqsBody.ValueKind != JsonValueKind.String)
                return ParseResult.Rejected("field Body of the SQS message must be a string");
            var id = TryGetString(root, "MessageId") ?? messageId;
            return ParseNested(sqsBody.GetString()!, "the SQS message's Body", id, viaSns: false);
        }

        if (IsSnsEnvelope(root))
        {
            if (viaSns)
                return ParseResult.Rejected("an SNS envelope inside an SNS envelope is not an Auto Scaling message");
            var message = root.GetProperty("Message");
            if (message.ValueKind != JsonValueKind.String)
                return ParseResult.Rejected("field Message of the SNS envelope must be a string");
            var topic = TryGetString(root, "TopicArn") ?? "an unknown topic";
            var id = TryGetString(root, "MessageId") ?? messageId;
            var text = message.GetString()!;
            if (!LooksLikeJsonObject(text))
                return ParseResult.Rejected($"the SNS message from {topic} is not JSON: not an Auto Scaling message");
            return ParseNested(text, $"the SNS message from {topic}", id, viaSns: true);
        }

        if (root.TryGetProperty("detail-type", out _))
            return viaSns
                ? ParseResult.Rejected("an EventBridge event inside an SNS envelope is not a format Auto Scaling sends")
                : ParseEventBridge(root, messageId);

        if (root.TryGetProperty("LifecycleTransition", out _))
            return ParseLifecycleHook(root, messageId, viaSns);

        if (root.TryGetProperty("Event", out _))
            return ParseNotification(root, messageId, viaSns);

        return ParseResult.Rejected(
            "not an Auto Scaling message: no LifecycleTransition, Event or detail-type field");
    }

    private static ParseResult ParseNested(string text, string what, string? messageId, bool viaSns)
    {
        try
        {
            using var inner = JsonDocument.Parse(text, DocumentOptions);
            return ParseDocument(inner.RootElement, messageId, allowSqsWrapper: false, viaSns);
        }
        catch (JsonException e)
        {
            return ParseResult.Rejected($"{what}: {DescribeJsonError(e, text)}");
        }
    }

    private static ParseResult ParseLifecycleHook(JsonElement root, string? messageId, bool viaSns)
    {
        var errors = new FieldReader(root);
        var transition = errors.Required("LifecycleTransition");
        var group = errors.Required("AutoScalingGroupName");
        var instance = errors.Required("EC2InstanceId");
        var hook = errors.Required("LifecycleHookName");
        var token = errors.Optional("LifecycleActionToken");
        var metadata = errors.Optional("NotificationMetadata");
        var origin = errors.Optional("Origin");
        var destination = errors.Optional("Destination");
        var time = errors.Optional("Time");
        var requestId = errors.Optional("RequestId");
        if (errors.Problem is { } problem)
            return ParseResult.Rejected($"lifecycle hook message: {problem}");

        LifecycleEventKind kind;
        switch (transition)
        {
            case LaunchingTransition: kind = LifecycleEventKind.Launching; break;
            case TerminatingTransition: kind = LifecycleEventKind.Terminating; break;
            default: return ParseResult.Rejected($"unknown LifecycleTransition '{Printable(transition)}'");
        }

        return ParseResult.Ok(new LifecycleEvent(
            kind,
            viaSns ? SourceFormat.SnsLifecycleHook : SourceFormat.LifecycleHook,
            messageId ?? requestId,
            instance,
            group!,
            hook,
            token,
            metadata,
            origin,
            destination,
            ParseTime(time)));
    }

    private static ParseResult ParseNotification(JsonElement root, string? messageId, bool viaSns)
    {
        var fields = new FieldReader(root);
        var eventName = fields.Required("Event");
        var group = fields.Required("AutoScalingGroupName");
        var instance = fields.Optional("EC2InstanceId");
        var origin = fields.Optional("Origin");
        var destination = fields.Optional("Destination");
        var time = fields.Optional("Time");
        var requestId = fields.Optional("RequestId");
        if (fields.Problem is { } problem)
            return ParseResult.Rejected($"Auto Scaling notification: {problem}");

        LifecycleEventKind kind;
        switch (eventName)
        {
            case "autoscaling:TEST_NOTIFICATION": kind = LifecycleEventKind.Test; break;
            case "autoscaling:EC2_INSTANCE_LAUNCH": kind = LifecycleEventKind.Launched; break;
            case "autoscaling:EC2_INSTANCE_TERMINATE": kind = LifecycleEventKind.Terminated; break;
            case "autoscaling:EC2_INSTANCE_LAUNCH_ERROR": kind = LifecycleEventKind.LaunchFailed; break;
            case "autoscaling:EC2_INSTANCE_TERMINATE_ERROR": kind = LifecycleEventKind.TerminateFailed; break;
            default: return ParseResult.Rejected($"unknown Auto Scaling notification Event '{Printable(eventName)}'");
        }

        if (kind is LifecycleEventKind.Launched or LifecycleEventKind.Terminated && string.IsNullOrEmpty(instance))
            return ParseResult.Rejected($"Auto Scaling notification {eventName}: field EC2InstanceId is missing");

        return ParseResult.Ok(new LifecycleEvent(
            kind,
            viaSns ? SourceFormat.SnsNotification : SourceFormat.Notification,
            messageId ?? requestId,
            kind == LifecycleEventKind.Test || string.IsNullOrEmpty(instance) ? null : instance,
            group!,
            null,
            null,
            null,
            origin,
            destination,
            ParseTime(time)));
    }

    private static ParseResult ParseEventBridge(JsonElement root, string? messageId)
    {
        var envelope = new FieldReader(root);
        var detailType = envelope.Required("detail-type");
        var source = envelope.Required("source");
        var id = envelope.Optional("id");
        var time = envelope.Optional("time");
        if (envelope.Problem is { } envelopeProblem)
            return ParseResult.Rejected($"EventBridge event: {envelopeProblem}");
        if (source != "aws.autoscaling")
            return ParseResult.Rejected($"EventBridge event from source '{Printable(source)}', not aws.autoscaling");
        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
            return ParseResult.Rejected("EventBridge event: field detail must be an object");

        LifecycleEventKind kind;
        switch (detailType)
        {
            case "EC2 Instance-launch Lifecycle Action": kind = LifecycleEventKind.Launching; break;
            case "EC2 Instance-terminate Lifecycle Action": kind = LifecycleEventKind.Terminating; break;
            case "EC2 Instance Launch Successful": kind = LifecycleEventKind.Launched; break;
            case "EC2 Instance Launch Unsuccessful": kind = LifecycleEventKind.LaunchFailed; break;
            case "EC2 Instance Terminate Successful": kind = LifecycleEventKind.Terminated; break;
            case "EC2 Instance Terminate Unsuccessful": kind = LifecycleEventKind.TerminateFailed; break;
            default: return ParseResult.Rejected($"EventBridge detail-type '{Printable(detailType)}' is not an Auto Scaling instance event");
        }

        var isAction = kind is LifecycleEventKind.Launching or LifecycleEventKind.Terminating;
        var fields = new FieldReader(detail);
        var group = fields.Required("AutoScalingGroupName");
        var instance = kind == LifecycleEventKind.LaunchFailed ? fields.Optional("EC2InstanceId") : fields.Required("EC2InstanceId");
        var hook = isAction ? fields.Required("LifecycleHookName") : null;
        var token = isAction ? fields.Optional("LifecycleActionToken") : null;
        var transition = isAction ? fields.Optional("LifecycleTransition") : null;
        var metadata = isAction ? fields.Optional("NotificationMetadata") : null;
        var origin = fields.Optional("Origin");
        var destination = fields.Optional("Destination");
        if (fields.Problem is { } problem)
            return ParseResult.Rejected($"EventBridge '{detailType}' event: detail.{problem}");

        var expected = kind == LifecycleEventKind.Launching ? LaunchingTransition : TerminatingTransition;
        if (isAction && transition is not null && transition != expected)
            return ParseResult.Rejected(
                $"EventBridge '{detailType}' event carries LifecycleTransition '{Printable(transition)}', expected {expected}");

        return ParseResult.Ok(new LifecycleEvent(
            kind,
            SourceFormat.EventBridge,
            id ?? messageId,
            string.IsNullOrEmpty(instance) ? null : instance,
            group!,
            hook,
            token,
            metadata,
            origin,
            destination,
            ParseTime(time)));
    }

    private static bool IsSnsEnvelope(JsonElement root) =>
        root.TryGetProperty("Type", out var type) && type.ValueKind == JsonValueKind.String
        && type.ValueEquals("Notification") && root.TryGetProperty("Message", out _)
        && root.TryGetProperty("TopicArn", out _);

    private static bool LooksLikeJsonObject(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && trimmed[0] == '{';
    }

    private static string? TryGetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    private static string DescribeJsonError(JsonException e, string body) =>
        e.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase)
            ? $"the message nests JSON deeper than {MaxDepth} levels"
            : $"the message is not valid JSON ({FirstSentence(e.Message)}): {Quoted(body)}";

    /// <summary>The start of a body, on one line: quoted, newlines and tabs escaped as in JSON, other controls as \u.</summary>
    private static string Quoted(string body)
    {
        var start = body.Length > 40 ? body[..40] : body;
        var escaped = Printable(start.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal));
        return "\"" + escaped + (body.Length > 40 ? "…" : "") + "\"";
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "a JSON array",
        JsonValueKind.String => "a JSON string",
        JsonValueKind.Number => "a JSON number",
        JsonValueKind.True or JsonValueKind.False => "a JSON boolean",
        JsonValueKind.Null => "JSON null",
        _ => "a JSON value",
    };

    /// <summary>Log-safe rendering of a value quoted in a reason: bounded, control characters escaped.</summary>
    internal static string Printable(string? value)
    {
        if (value is null)
            return "";
        var text = value.Length > 80 ? value[..80] + "…" : value;
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else
                builder.Append(c);
        }

        return builder.ToString();
    }
}
