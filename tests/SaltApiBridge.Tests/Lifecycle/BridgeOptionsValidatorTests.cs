using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Tests.Lifecycle;

public sealed class BridgeOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        new BridgeOptionsValidator().Validate(null, new BridgeOptions()).Succeeded.Should().BeTrue();

    [Fact]
    public void Validate_SeveralProblems_ListsEveryOne()
    {
        var options = new BridgeOptions { MinionIdTemplate = "{group}", LaunchFailureResult = (LifecycleActionResult)7 };
        options.Groups.Add("web*");
        options.GoldenImageGroups.Add("api");
        options.CleanStates.Add("clean,evil");

        var result = new BridgeOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().HaveCount(5);
        result.Failures.Should().Contain(f => f.Contains("must contain {instance}"));
        result.Failures.Should().Contain(f => f.StartsWith("Bridge:Groups:") && f.Contains("'*'"));
        result.Failures.Should().Contain(f => f.Contains("'api', which is not in Bridge:Groups"));
        result.Failures.Should().Contain(f => f.Contains("'clean,evil' is not a state name"));
        result.Failures.Should().Contain(f => f.Contains("LaunchFailureResult"));
    }
}
