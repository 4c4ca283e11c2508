using SaltApiBridge.Pipeline;

namespace SaltApiBridge.Tests.Pipeline;

public sealed class PipelineOptionsValidatorTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("/var/lib/saltapibridge", true)]
    [InlineData("records", false)]
    [InlineData("./var/lib", false)]
    public void Validate_RecordDirectory_MustBeAbsoluteWhenSet(string? directory, bool valid) =>
        new PipelineOptionsValidator().Validate(null, new PipelineOptions { RecordDirectory = directory }).Succeeded.Should().Be(valid);
}
