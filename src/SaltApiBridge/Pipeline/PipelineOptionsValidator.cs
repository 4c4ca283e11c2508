using Microsoft.Extensions.Options;

namespace SaltApiBridge.Pipeline;

/// <summary>Lists every problem of the "Pipeline" section at once.</summary>
public sealed class PipelineOptionsValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.MaxInFlight is < 1 or > 10_000)
            problems.Add("Pipeline:MaxInFlight must be between 1 and 10000");
        if (options.StepAttempts is < 1 or > 10)
            problems.Add("Pipeline:StepAttempts must be between 1 and 10");
        Positive(problems, "DeduplicationWindow", options.DeduplicationWindow);
        if (options.DeduplicationCapacity is < 100 or > 1_000_000)
            problems.Add($"Pipeline:DeduplicationCapacity must be between 100 and 1000000 (is {options.DeduplicationCapacity})");
        NotNegative(problems, "StepRetryDelay", options.StepRetryDelay);
        Positive(problems, "RetryBackoff", options.RetryBackoff);
        if (options.MaxRetryBackoff < options.RetryBackoff)
            problems.Add("Pipeline:MaxRetryBackoff must not be shorter than Pipeline:RetryBackoff");
        if (options.MaxRetryBackoff > TimeSpan.FromHours(12))
            problems.Add("Pipeline:MaxRetryBackoff must be at most 12 hours (SQS's longest visibility timeout)");
        NotNegative(problems, "DrainTimeout", options.DrainTimeout);
        Positive(problems, "VisibilityExtensionInterval", options.VisibilityExtensionInterval);
        Positive(problems, "DeleteBatchWindow", options.DeleteBatchWindow);
        Positive(problems, "LockedRetryDelay", options.LockedRetryDelay);
        if (!string.IsNullOrEmpty(options.RecordDirectory) && !Path.IsPathFullyQualified(options.RecordDirectory))
            problems.Add("Pipeline:RecordDirectory must be an absolute path (the daemon and saltapibridge reconcile must find the same records)");
        if (!Enum.IsDefined(options.FailurePolicy))
            problems.Add("Pipeline:FailurePolicy must be CompleteLifecycleAction or LeaveForRedrive");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void Positive(List<string> problems, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            problems.Add($"Pipeline:{key} must be positive");
    }

    private static void NotNegative(List<string> problems, string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
            problems.Add($"Pipeline:{key} must not be negative");
    }
}
