using SaltApiBridge.Lifecycle;

namespace SaltApiBridge.Tests.Lifecycle;

public sealed class MinionIdTemplateTests
{
    [Theory]
    [InlineData("{group}-{instance}", "web-i-12345678")]
    [InlineData("{instance}", "i-12345678")]
    [InlineData("aws.{group}.{instance}", "aws.web.i-12345678")]
    public void Render_ValidTemplate_ConcatenatesParts(string text, string expected) =>
        MinionIdTemplate.Parse(text).Render("web", "i-12345678").Should().Be(expected);

    [Fact]
    public void Render_GroupContainingPlaceholderText_IsNotExpandedAgain() =>
        MinionIdTemplate.Parse("{group}-{instance}").Render("x{instance}", "i-12345678").Should().Be("x{instance}-i-12345678");

    [Theory]
    [InlineData("{group}", "must contain {instance} exactly once")]
    [InlineData("{instance}-{instance}", "must contain {instance} exactly once")]
    [InlineData("{group}-{id}", "unknown placeholder '{id}'")]
    [InlineData("{group}*{instance}", "contains '*'")]
    [InlineData("{group} {instance}", "contains a space")]
    [InlineData("", "MinionIdTemplate is empty")]
    public void TryParse_BadTemplate_SaysWhy(string text, string problem)
    {
        MinionIdTemplate.TryParse(text, out var template, out var actual).Should().BeFalse();

        template.Should().BeNull();
        actual.Should().Contain(problem);
    }

    [Theory]
    [InlineData("{group}-{instance}", "web-i-0123456789abcdef0", "web", "i-0123456789abcdef0")]
    [InlineData("{group}-{instance}", "web-i-12345678", "web", "i-12345678")]
    [InlineData("aws.{group}.{instance}", "aws.web.i-12345678", "web", "i-12345678")]
    [InlineData("{instance}.{group}.example", "i-12345678.web.example", "web", "i-12345678")]
    public void TryMatch_IdTheTemplateRenders_GivesTheInstance(string text, string minionId, string group, string instance)
    {
        MinionIdTemplate.Parse(text).TryMatch(minionId, group, out var found).Should().BeTrue();

        found.Should().Be(instance);
    }

    [Theory]
    [InlineData("web-asg-i-12345678", "web")]
    [InlineData("api-i-12345678", "web")]
    [InlineData("web-i-1234567", "web")]
    [InlineData("web-i-1234567X", "web")]
    [InlineData("web-i-12345678-extra", "web")]
    [InlineData("saltmaster", "web")]
    [InlineData("web-", "web")]
    public void TryMatch_IdOfAnotherGroupOrShape_DoesNotMatch(string minionId, string group)
    {
        MinionIdTemplate.Parse("{group}-{instance}").TryMatch(minionId, group, out var found).Should().BeFalse();

        found.Should().BeNull();
    }
}
