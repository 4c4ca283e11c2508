namespace SaltApiBridge.Tests;

public sealed class BackoffPolicyTests
{
    [Fact]
    public void Delay_Constant_SameEveryTime()
    {
        var policy = BackoffPolicy.Constant(TimeSpan.FromSeconds(15));

        Enumerable.Range(1, 5).Select(policy.Delay).Should().AllBeEquivalentTo(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Delay_Exponential_DoublesFromTheFirstUpToTheCap()
    {
        var policy = BackoffPolicy.Exponential(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3));

        Enumerable.Range(1, 5).Select(policy.Delay).Should().Equal(
            TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3));
    }

    [Fact]
    public void Delay_ManyRetries_NeverOverflowsPastTheCap()
    {
        BackoffPolicy.Exponential(TimeSpan.FromSeconds(1), TimeSpan.FromHours(12)).Delay(int.MaxValue).Should().Be(TimeSpan.FromHours(12));
    }

    [Fact]
    public void Delay_WithJitter_BetweenHalfAndAllOfTheDelay()
    {
        var policy = BackoffPolicy.Exponential(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8), jitter: true);

        var delays = Enumerable.Range(0, 200).Select(_ => policy.Delay(1)).ToList();

        delays.Should().OnlyContain(d => d >= TimeSpan.FromSeconds(4) && d <= TimeSpan.FromSeconds(8));
        delays.Distinct().Should().HaveCountGreaterThan(1);
    }

    [Fact]
    public void Delay_Zero_StaysZero()
    {
        BackoffPolicy.Exponential(TimeSpan.Zero, TimeSpan.FromMinutes(5)).Delay(4).Should().Be(TimeSpan.Zero);
    }
}
