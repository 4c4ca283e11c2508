using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Simulation;

public sealed class CapturedReplyTests
{
    [Fact]
    public void Names_EveryTranscriptOfTheCheckout_IsEmbeddedAsCaptured()
    {
        var files = Directory.GetFiles(RepoFixtures.Path("salt-api"), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        CapturedReply.Names.Should().Equal(files);
        foreach (var name in CapturedReply.Names)
        {
            var file = SaltApiTranscript.Load(name);
            var embedded = CapturedReply.Load(name);
            embedded.Body.Should().Be(file.ResponseBodyRaw, name);
            embedded.Status.Should().Be(file.Status, name);
            embedded.Headers.Should().Equal(file.ResponseHeaders, name);
        }
    }
}
