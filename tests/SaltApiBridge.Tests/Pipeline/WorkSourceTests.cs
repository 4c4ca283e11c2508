using SaltApiBridge.Coordination;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;

namespace SaltApiBridge.Tests.Pipeline;

/// <summary>Where instance work comes from, and the keys its finish is remembered under.</summary>
public sealed class WorkSourceTests
{
    private const string Token = "00000000-0000-4000-8000-000000000001";
    private static readonly QueueMessage Message = new("msg-1", "handle-1", "{}", 3);

    [Fact]
    public void FinishedKeys_MessageOfALifecycleAction_ByMessageAndByAction()
    {
        WorkSource.Of(Message, Token).FinishedKeys.Should().Equal("message:msg-1", "action:" + ProvisioningRecord.KeyOf(Token));
    }

    [Fact]
    public void FinishedKeys_NotificationWithoutAToken_ByMessageOnly()
    {
        WorkSource.Of(Message, null).FinishedKeys.Should().Equal("message:msg-1");
    }

    [Fact]
    public void FinishedKeys_Takeover_ByTheRecordedActionOnly()
    {
        var record = new ProvisioningRecord("web-i-1", "i-00000001", "web", null, DateTimeOffset.UnixEpoch)
        {
            InProgress = new ActionInProgress(LifecycleEventKind.Launching, "provision", "recorded-key", DateTimeOffset.UnixEpoch),
        };

        WorkSource.Takeover(record, "replica-2").FinishedKeys.Should().Equal("action:recorded-key");
    }

    [Fact]
    public void Of_Message_ActionKeyIsTheTokensHashNeverTheToken()
    {
        WorkSource.Of(Message, Token).ActionKey.Should().Be(ProvisioningRecord.KeyOf(Token)).And.NotContain(Token);
    }

    [Fact]
    public void Name_Message_TheMessageId()
    {
        WorkSource.Of(Message, Token).Name.Should().Be("msg-1");
    }

    [Fact]
    public void Name_Takeover_SaysWhichReplicaTookItOver()
    {
        var record = new ProvisioningRecord("web-i-1", "i-00000001", "web", null, DateTimeOffset.UnixEpoch);

        WorkSource.Takeover(record, "replica-2").Name.Should().Be("takeover-by-replica-2");
    }
}
