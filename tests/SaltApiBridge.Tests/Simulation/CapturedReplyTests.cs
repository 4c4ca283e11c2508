using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Simulation;

public sealed class CapturedReplyTests
{
    [Fact]
    public void Names_EmbeddedCopies_AreByteForByteTheSharedFixtures()
    {
        CapturedReply.Names.Should().NotBeEmpty();
        foreach (var name in CapturedReply.Names)
        {
            var shared = SaltApiTranscript.Load(name);
            var embedded = CapturedReply.Load(name);
            embedded.Body.Should().Be(shared.ResponseBodyRaw, name);
            embedded.Status.Should().Be(shared.Status, name);
            embedded.Headers.Should().Equal(shared.ResponseHeaders, name);
        }
    }
}
