using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Coordination;

/// <summary>Lists every problem of the "Coordination" section at once.</summary>
public sealed partial class CoordinationOptionsValidator : IValidateOptions<CoordinationOptions>
{
    public ValidateOptionsResult Validate(string? name, CoordinationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!Enum.IsDefined(options.Store))
            problems.Add("Coordination:Store must be File or DynamoDb");
        if (options.Store == CoordinationStoreKind.DynamoDb && string.IsNullOrWhiteSpace(options.TableName))
            problems.Add("Coordination:TableName is required when Coordination:Store is DynamoDb (saltapibridge create-table creates it)");
        if (!string.IsNullOrWhiteSpace(options.TableName) && !TableName().IsMatch(options.TableName))
            problems.Add($"Coordination:TableName '{options.TableName}' is not a DynamoDB table name (3–255 of letters, digits, '_', '-', '.')");
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl)
            && (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            problems.Add($"Coordination:ServiceUrl '{options.ServiceUrl}' must be an absolute http(s) URL");
        if (!string.IsNullOrWhiteSpace(options.ReplicaName) && NameRules.CheckMinionId(options.ReplicaName) is not null)
            problems.Add($"Coordination:ReplicaName '{options.ReplicaName}' may hold letters, digits and . _ @ - only");
        if (options.LeaseDuration < TimeSpan.FromSeconds(5) || options.LeaseDuration > TimeSpan.FromMinutes(10))
            problems.Add($"Coordination:LeaseDuration must be between 5 seconds and 10 minutes (is {options.LeaseDuration})");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{3,255}$")]
    private static partial Regex TableName();
}
