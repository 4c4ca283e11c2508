using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using SaltApiBridge.Coordination.DynamoDb;

namespace SaltApiBridge.Tests.Coordination;

/// <summary>How a failed DynamoDB call reads for the operator: transient (retried, meanwhile no new work) or not, naming what is missing.</summary>
public sealed class DynamoDbFailuresTests
{
    private const string Table = "saltapibridge-coordination";
    private const string Endpoint = "DynamoDB in eu-west-1";

    [Theory]
    [InlineData("ProvisionedThroughputExceededException", HttpStatusCode.BadRequest)]
    [InlineData("ThrottlingException", HttpStatusCode.BadRequest)]
    [InlineData("RequestLimitExceeded", HttpStatusCode.BadRequest)]
    [InlineData("InternalServerError", HttpStatusCode.InternalServerError)]
    [InlineData("", HttpStatusCode.ServiceUnavailable)]
    public void Translate_ThrottledOrServerError_Transient(string code, HttpStatusCode status)
    {
        var failure = DynamoDbFailures.Translate(Service(code, status, "slow down"), "UpdateItem", Table, Endpoint);

        failure!.IsTransient.Should().BeTrue();
    }

    [Fact]
    public void Translate_ConnectionRefused_TransientNamingTheEndpoint()
    {
        var refused = new HttpRequestException("Connection refused (127.0.0.1:8000)", new SocketException((int)SocketError.ConnectionRefused));

        var failure = DynamoDbFailures.Translate(refused, "GetItem", Table, "http://127.0.0.1:8000");

        failure!.IsTransient.Should().BeTrue();
        failure.Message.Should().Contain("http://127.0.0.1:8000").And.Contain("GetItem");
    }

    [Fact]
    public void Translate_AccessDenied_NotTransientNamingTheActionAndTheStatementToAdd()
    {
        var denied = Service("AccessDeniedException", HttpStatusCode.BadRequest,
            "User: arn:aws:sts::123456789012:assumed-role/salt/i-1 is not authorized to perform: dynamodb:UpdateItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/saltapibridge-coordination because no identity-based policy allows the dynamodb:UpdateItem action");

        var failure = DynamoDbFailures.Translate(denied, "UpdateItem", Table, Endpoint);

        failure!.IsTransient.Should().BeFalse();
        failure.Message.Should().Contain("dynamodb:UpdateItem").And.Contain(
            "{\"Effect\": \"Allow\", \"Action\": \"dynamodb:UpdateItem\", \"Resource\": [\"arn:aws:dynamodb:eu-west-1:123456789012:table/saltapibridge-coordination\", \"arn:aws:dynamodb:eu-west-1:123456789012:table/saltapibridge-coordination/index/*\"]}");
    }

    [Fact]
    public void Translate_ResourceNotFound_NotTransientNamingTheTableAndCreateTable()
    {
        var missing = new ResourceNotFoundException("Requested resource not found") { ErrorCode = "ResourceNotFoundException", StatusCode = HttpStatusCode.BadRequest };

        var failure = DynamoDbFailures.Translate(missing, "GetItem", Table, Endpoint);

        failure!.IsTransient.Should().BeFalse();
        failure.Message.Should().Contain(Table).And.Contain("saltapibridge create-table");
    }

    [Fact]
    public void Translate_AnythingElse_LeftAlone()
    {
        DynamoDbFailures.Translate(new ArgumentException("a bug"), "GetItem", Table, Endpoint).Should().BeNull();
    }

    private static AmazonDynamoDBException Service(string code, HttpStatusCode status, string message) =>
        new(message, ErrorType.Unknown, code, "request-1", status);
}
