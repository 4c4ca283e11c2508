using Microsoft.Extensions.Options;

namespace SaltApiBridge.Queue;

/// <summary>Lists every problem of the "Queue" section at once.</summary>
public sealed class QueueOptionsValidator : IValidateOptions<QueueOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var hasUrl = !string.IsNullOrWhiteSpace(options.QueueUrl);
        var hasName = !string.IsNullOrWhiteSpace(options.QueueName);
        if (hasUrl == hasName)
            problems.Add("Queue: set exactly one of Queue:QueueUrl and Queue:QueueName");
        if (hasUrl && !Uri.TryCreate(options.QueueUrl, UriKind.Absolute, out _))
            problems.Add($"Queue:QueueUrl '{options.QueueUrl}' is not an absolute URL");
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl) && !Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out _))
            problems.Add($"Queue:ServiceUrl '{options.ServiceUrl}' is not an absolute URL");
        if (options.WaitTimeSeconds is < 0 or > 20)
            problems.Add("Queue:WaitTimeSeconds must be between 0 and 20");
        if (options.MaxMessages is < 1 or > 10)
            problems.Add("Queue:MaxMessages must be between 1 and 10");
        if (options.Pollers is < 1 or > 64)
            problems.Add("Queue:Pollers must be between 1 and 64");
        if (options.VisibilityTimeoutSeconds is < 10 or > 43_200)
            problems.Add("Queue:VisibilityTimeoutSeconds must be between 10 and 43200");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
