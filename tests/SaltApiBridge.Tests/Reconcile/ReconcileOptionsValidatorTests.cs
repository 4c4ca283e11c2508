using SaltApiBridge.Reconcile;

namespace SaltApiBridge.Tests.Reconcile;

public sealed class ReconcileOptionsValidatorTests
{
    private readonly ReconcileOptionsValidator validator = new();

    [Fact]
    public void Validate_Defaults_SucceedsWithNoPeriodicRun()
    {
        var options = new ReconcileOptions();

        validator.Validate(null, options).Succeeded.Should().BeTrue();
        options.Interval.Should().BeNull();
        options.Apply.Should().BeFalse();
    }

    [Fact]
    public void Validate_EverythingWrong_ListsEveryProblem()
    {
        var result = validator.Validate(null, new ReconcileOptions { Interval = TimeSpan.FromSeconds(5), MaxDeletions = 0 });

        result.Failures.Should().HaveCount(2)
            .And.Contain(f => f.StartsWith("Reconcile:Interval", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("Reconcile:MaxDeletions", StringComparison.Ordinal));
    }
}
