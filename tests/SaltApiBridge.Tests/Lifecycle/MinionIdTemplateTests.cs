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
}
