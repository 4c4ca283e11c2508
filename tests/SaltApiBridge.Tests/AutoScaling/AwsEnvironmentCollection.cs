namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>
/// Tests that change the process's AWS_* variables run alone: the SDK's credential chain reads them, and so would
/// any other test running at the same time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsEnvironmentCollection
{
    public const string Name = "aws-environment";
}
