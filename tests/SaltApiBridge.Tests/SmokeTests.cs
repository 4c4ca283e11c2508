namespace SaltApiBridge.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Truth_Holds() => Assert.True(true);
}
