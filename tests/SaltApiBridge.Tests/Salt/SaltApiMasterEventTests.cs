using System.Text.Json.Nodes;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Salt;

public sealed class SaltApiMasterEventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FireEvent_TagWithSlashes_PostsJsonBodyToUnescapedHookPath()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        salt.OnHook("saltapibridge/launching").RespondWith(SaltApiHarness.Reply("26"));
        var data = new JsonObject { ["instance_id"] = "i-0123456789abcdef0", ["asg"] = "my-asg", ["event"] = "launching" };

        await salt.Master.FireEventAsync(BridgeEventTags.Launching, data, Ct);

        var hook = salt.Requests("/hook/saltapibridge/launching").Should().ContainSingle().Subject;
        hook.AbsolutePath.Should().Be("/hook/saltapibridge/launching");
        JsonNode.Parse(hook.Body!)!.ToJsonString().Should().Be("""{"instance_id":"i-0123456789abcdef0","asg":"my-asg","event":"launching"}""");
        SaltApiHarness.Header(hook, "X-Auth-Token").Should().Be(SaltApiHarness.Token);
        SaltApiHarness.Header(hook, "Content-Type").Should().StartWith("application/json");
        SaltApiHarness.Header(hook, "Content-Length").Should().NotBeNull("CherryPy reads a sized body, not a chunked one");
    }

    [Fact]
    public async Task FireEvent_HookAnswersWithoutSuccess_Throws()
    {
        await using var salt = SaltApiHarness.Start().WithLogin();
        // Derived from transcript 26 (hook reply): same headers, success false.
        salt.OnHook("saltapibridge/refused").RespondWith(SaltApiHarness.Reply(Fixtures.SaltApiTranscript.Load("26"), """{"success": false}"""));

        var act = () => salt.Master.FireEventAsync(BridgeEventTags.Refused, [], Ct);

        await act.Should().ThrowAsync<SaltApiException>();
    }

    [Theory]
    [InlineData("saltapibridge/../x")]
    [InlineData("/saltapibridge/x")]
    [InlineData("saltapibridge//x")]
    [InlineData("salt api")]
    [InlineData("")]
    public async Task FireEvent_MalformedTag_RefusedBeforeAnyRequest(string tag)
    {
        await using var salt = SaltApiHarness.Start().WithLogin();

        var act = () => salt.Master.FireEventAsync(tag, [], Ct);

        await act.Should().ThrowAsync<ArgumentException>();
        salt.Server!.LogEntries.Should().BeEmpty();
    }

    [Fact]
    public void BridgeEventTags_All_AreValidHookTags() =>
        BridgeEventTags.All.Should().AllSatisfy(tag => SaltNames.IsHookTag(tag).Should().BeTrue());
}
