using Microsoft.Extensions.Options;

namespace SaltApiBridge.Reconcile;

/// <summary>Lists every problem of the "Reconcile" section at once.</summary>
public sealed class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>
{
    public const int LargestMaxDeletions = 1000;

    public ValidateOptionsResult Validate(string? name, ReconcileOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.Interval is { } interval && (interval < TimeSpan.FromMinutes(1) || interval > TimeSpan.FromDays(1)))
            problems.Add("Reconcile:Interval must be between 1 minute and 1 day (or empty: no periodic run)");
        if (options.MaxDeletions is < 1 or > LargestMaxDeletions)
            problems.Add($"Reconcile:MaxDeletions must be between 1 and {LargestMaxDeletions}");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
