using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Coordination.DynamoDb;

/// <summary>
/// Every call the store makes to its table passes here: bounded in time (the SDK's retries included), counted
/// (<see cref="CoordinationStoreUsage"/>), its failure translated (<see cref="DynamoDbFailures"/>) and reported once
/// per outage (<see cref="DependencyOutages"/>, dependency <c>coordination_store</c>). A failed condition is an
/// answer, not a failure: it reaches the caller as <see cref="ConditionalCheckFailedException"/>, never retried.
/// </summary>
public sealed class DynamoDbCaller(IAmazonDynamoDB client, CoordinationOptions options, DependencyOutages outages, CoordinationStoreUsage usage)
{
    public const string Dependency = "coordination_store";

    /// <summary>All the tries of one call (the SDK retries within it); then the call fails as transient.</summary>
    public static readonly TimeSpan CallBudget = TimeSpan.FromSeconds(10);

    private const string Meanwhile = "no new instance work starts (its messages go back to the queue); calls are retried with backoff";

    public string TableName { get; } = options.TableName ?? throw new ArgumentException("Coordination:TableName is required", nameof(options));

    /// <summary>Where the table is, for messages: the endpoint, else the region.</summary>
    public string Endpoint { get; } = !string.IsNullOrWhiteSpace(options.ServiceUrl) ? options.ServiceUrl
        : !string.IsNullOrWhiteSpace(options.Region) ? "DynamoDB in " + options.Region
        : "DynamoDB in the SDK's region";

    /// <summary>The calls on items: each names the table and asks for the capacity it consumed.</summary>
    public Task<GetItemResponse> GetItemAsync(GetItemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (request.TableName, request.ReturnConsumedCapacity) = (TableName, ReturnConsumedCapacity.TOTAL);
        return CallAsync("GetItem", false, request, client.GetItemAsync, r => r.ConsumedCapacity, cancellationToken);
    }

    public Task<PutItemResponse> PutItemAsync(PutItemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (request.TableName, request.ReturnConsumedCapacity) = (TableName, ReturnConsumedCapacity.TOTAL);
        return CallAsync("PutItem", true, request, client.PutItemAsync, r => r.ConsumedCapacity, cancellationToken);
    }

    public Task<UpdateItemResponse> UpdateItemAsync(UpdateItemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (request.TableName, request.ReturnConsumedCapacity) = (TableName, ReturnConsumedCapacity.TOTAL);
        return CallAsync("UpdateItem", true, request, client.UpdateItemAsync, r => r.ConsumedCapacity, cancellationToken);
    }

    public Task<DeleteItemResponse> DeleteItemAsync(DeleteItemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (request.TableName, request.ReturnConsumedCapacity) = (TableName, ReturnConsumedCapacity.TOTAL);
        return CallAsync("DeleteItem", true, request, client.DeleteItemAsync, r => r.ConsumedCapacity, cancellationToken);
    }

    public Task<QueryResponse> QueryAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (request.TableName, request.ReturnConsumedCapacity) = (TableName, ReturnConsumedCapacity.TOTAL);
        return CallAsync("Query", false, request, client.QueryAsync, r => r.ConsumedCapacity, cancellationToken);
    }

    public Task<ScanResponse> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (request.TableName, request.ReturnConsumedCapacity) = (TableName, ReturnConsumedCapacity.TOTAL);
        return CallAsync("Scan", false, request, client.ScanAsync, r => r.ConsumedCapacity, cancellationToken);
    }

    public Task<DescribeTableResponse> DescribeTableAsync(CancellationToken cancellationToken) =>
        CallAsync("DescribeTable", false, new DescribeTableRequest { TableName = TableName }, client.DescribeTableAsync, _ => null, cancellationToken);

    public Task<DescribeTimeToLiveResponse> DescribeTimeToLiveAsync(CancellationToken cancellationToken) =>
        CallAsync("DescribeTimeToLive", false, new DescribeTimeToLiveRequest { TableName = TableName }, client.DescribeTimeToLiveAsync, _ => null, cancellationToken);

    public Task<CreateTableResponse> CreateTableAsync(CreateTableRequest request, CancellationToken cancellationToken) =>
        CallAsync("CreateTable", true, request, client.CreateTableAsync, _ => null, cancellationToken);

    public Task<UpdateTimeToLiveResponse> UpdateTimeToLiveAsync(UpdateTimeToLiveRequest request, CancellationToken cancellationToken) =>
        CallAsync("UpdateTimeToLive", true, request, client.UpdateTimeToLiveAsync, _ => null, cancellationToken);

    private async Task<TResponse> CallAsync<TRequest, TResponse>(
        string operation, bool isWrite, TRequest request, Func<TRequest, CancellationToken, Task<TResponse>> call,
        Func<TResponse, ConsumedCapacity?> consumed, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(CallBudget);
        try
        {
            var response = await call(request, budget.Token);
            usage.Record(operation, isWrite, consumed(response)?.CapacityUnits);
            outages.Answered(Dependency);
            return response;
        }
        catch (ConditionalCheckFailedException)
        {
            // An answer: the condition did not hold. Billed as a write.
            usage.Record(operation, isWrite, null);
            outages.Answered(Dependency);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (DynamoDbFailures.Translate(e, operation, TableName, Endpoint) is { } failure)
        {
            if (DynamoDbFailures.IsAnswer(e))
                outages.Answered(Dependency);
            else
                outages.Failed(Dependency, failure.Message, Meanwhile);
            throw failure;
        }
    }
}
