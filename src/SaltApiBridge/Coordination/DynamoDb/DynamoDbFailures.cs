using System.Net.Sockets;
using System.Text.RegularExpressions;
using Amazon.Runtime;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// A failed DynamoDB call in the operator's words: transient (throttled, 5xx, unreachable, too slow: retried, and
/// meanwhile no new instance work starts) or not (no table, an IAM right missing, a table of another shape: someone
/// must fix it), naming what is missing.
/// </summary>
internal static partial class DynamoDbFailures
{
    private static readonly HashSet<string> Throttled = new(StringComparer.Ordinal)
    {
        "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded", "RequestLimitExceededException",
        "LimitExceededException", "InternalServerError", "InternalServerErrorException", "ServiceUnavailable",
        "ServiceUnavailableException", "TransactionConflictException", "ExpiredTokenException", "RequestTimeout",
    };

    private static readonly HashSet<string> CredentialsRefused = new(StringComparer.Ordinal)
    {
        "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException",
        "IncompleteSignatureException", "InvalidClientTokenId", "SignatureDoesNotMatch",
    };

    /// <summary>
    /// A refusal of the request itself (invalid, an operation the endpoint does not know, a table that already exists):
    /// the store answered, and is not down for it.
    /// </summary>
    public static bool IsAnswer(Exception e) =>
        e is AmazonServiceException { ErrorCode: "ValidationException" or "UnknownOperationException" or "ResourceInUseException" };

    /// <summary>The store's failure for <paramref name="e"/>, or null when it is not a store failure (a bug: let it through).</summary>
    /// <param name="operation">The DynamoDB operation (GetItem, …): the IAM action is <c>dynamodb:&lt;operation&gt;</c>.</param>
    public static CoordinationStoreException? Translate(Exception e, string operation, string table, string endpoint)
    {
        switch (e)
        {
            case AmazonServiceException service:
                var code = service.ErrorCode ?? "";
                if (code == "ResourceNotFoundException")
                    return new(TableMissing(table, endpoint), isTransient: false, e);
                if (code is "AccessDeniedException" or "AccessDenied")
                    return new(Denied(operation, service.Message, table), isTransient: false, e);
                if (CredentialsRefused.Contains(code))
                    return new($"DynamoDB refused the AWS credentials ({code}): {FirstLine(service.Message)}", isTransient: false, e);
                if (Throttled.Contains(code) || (int)service.StatusCode >= 500 || service.StatusCode == 0)
                    return new($"DynamoDB {operation} failed: {Describe(code, service)}", isTransient: true, e);
                if (code == "ValidationException")
                    return new($"DynamoDB refused {operation} on table {table} as invalid: {FirstLine(service.Message)} (is it the table `saltapibridge create-table` makes? `saltapibridge check` compares)", isTransient: false, e);
                return new($"DynamoDB {operation} on table {table} failed: {Describe(code, service)}", isTransient: false, e);
            case AmazonClientException client when client.Message.Contains("RegionEndpoint", StringComparison.Ordinal):
                return new("no AWS region for the coordination table: set Coordination:Region (or AWS_REGION)", isTransient: false, e);
            case AmazonClientException client when client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase):
                return new("no usable AWS credentials for DynamoDB (environment, profile, web identity, instance role): " + FirstLine(client.Message), isTransient: true, e);
            case AmazonClientException or HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException:
                return new($"DynamoDB at {endpoint} did not answer {operation}: {FirstLine(Innermost(e).Message)}", isTransient: true, e);
            default:
                return null;
        }
    }

    public static string TableMissing(string table, string endpoint) =>
        $"the coordination table {table} does not exist at {endpoint} (or is not ACTIVE yet): `saltapibridge create-table --config FILE` creates it";

    /// <summary>The IAM statement that allows <paramref name="operation"/> on the table and its indexes.</summary>
    public static string PolicyLine(string operation, string tableArn) =>
        $"{{\"Effect\": \"Allow\", \"Action\": \"dynamodb:{operation}\", \"Resource\": [\"{tableArn}\", \"{tableArn}/index/*\"]}}";

    /// <summary>The table's ARN as an AccessDenied message names it, else a pattern to fill in.</summary>
    public static string TableArn(string? message, string table) =>
        message is not null && Resource().Match(message) is { Success: true } found
            ? found.Groups["table"].Value
            : $"arn:aws:dynamodb:<region>:<account>:table/{table}";

    private static string Denied(string operation, string? message, string table) =>
        $"the IAM policy does not allow dynamodb:{operation} on the coordination table {table}; add to the bridge's role: {PolicyLine(operation, TableArn(message, table))}";

    private static string Describe(string code, AmazonServiceException e) =>
        $"{(code.Length > 0 ? code : "HTTP " + (int)e.StatusCode)}{(string.IsNullOrWhiteSpace(e.Message) ? "" : ": " + FirstLine(e.Message))}";

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
            e = e.InnerException;
        return e;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>"… on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/saltapibridge[/index/InProgress] …"</summary>
    [GeneratedRegex(@"on resource:\s*(?<table>arn:aws[a-z-]*:dynamodb:[^:\s]*:[0-9]*:table/[A-Za-z0-9_.-]+)")]
    private static partial Regex Resource();
}
