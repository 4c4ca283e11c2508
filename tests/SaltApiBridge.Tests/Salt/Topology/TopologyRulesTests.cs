using SaltApiBridge.Salt;
using SaltApiBridge.Salt.Topology;

namespace SaltApiBridge.Tests.Salt.Topology;

public sealed class TopologyRulesTests
{
    private static readonly IReadOnlyList<(string Master, bool Pending)> AcceptedOnM1PendingOnM2 = [("m1", false), ("m2", true)];

    [Theory]
    [InlineData(SaltTopology.OneMaster, typeof(OneMasterRules))]
    [InlineData(SaltTopology.Hot, typeof(HotRules))]
    [InlineData(SaltTopology.SharedPki, typeof(SharedPkiRules))]
    [InlineData(SaltTopology.Failover, typeof(FailoverRules))]
    public void For_EachTopology_ItsOwnRules(SaltTopology topology, Type rules)
    {
        var found = TopologyRules.For(topology);

        found.Should().BeOfType(rules);
        found.Topology.Should().Be(topology);
    }

    [Fact]
    public void AcceptOn_Hot_EveryMasterHoldingTheKey()
    {
        HotRules.Instance.AcceptOn(AcceptedOnM1PendingOnM2, l => l.Pending).Select(l => l.Master).Should().Equal("m1", "m2");
    }

    [Fact]
    public void AcceptOn_SharedPki_TheFirstMasterOnly()
    {
        SharedPkiRules.Instance.AcceptOn(AcceptedOnM1PendingOnM2, l => l.Pending).Select(l => l.Master).Should().Equal("m1");
    }

    [Fact]
    public void AcceptOn_FailoverWithAPendingKey_WhereItIsPendingOnly()
    {
        FailoverRules.Instance.AcceptOn(AcceptedOnM1PendingOnM2, l => l.Pending).Select(l => l.Master).Should().Equal("m2");
    }

    [Fact]
    public void AcceptOn_FailoverWithoutAPendingKey_EveryMasterHoldingIt()
    {
        FailoverRules.Instance.AcceptOn<(string Master, bool Pending)>([("m1", false), ("m2", false)], l => l.Pending).Select(l => l.Master).Should().Equal("m1", "m2");
    }

    [Fact]
    public void KeyOnEveryMaster_Failover_False_OthersTrue()
    {
        FailoverRules.Instance.KeyOnEveryMaster.Should().BeFalse();
        new TopologyRules[] { OneMasterRules.Instance, HotRules.Instance, SharedPkiRules.Instance }.Should().OnlyContain(r => r.KeyOnEveryMaster);
    }

    [Fact]
    public void SplitExpected_FailoverAcceptedHereAbsentThere_True_HotFalse()
    {
        MinionKeyState[] states = [MinionKeyState.Accepted, MinionKeyState.Absent];

        FailoverRules.Instance.SplitExpected(states).Should().BeTrue();
        HotRules.Instance.SplitExpected(states).Should().BeFalse();
    }

    [Fact]
    public void SplitExpected_FailoverPendingElsewhere_False()
    {
        FailoverRules.Instance.SplitExpected([MinionKeyState.Accepted, MinionKeyState.Pending]).Should().BeFalse();
    }

    [Fact]
    public void ConfirmOnOthers_SharedPkiOnly()
    {
        SharedPkiRules.Instance.ConfirmOnOthers.Should().BeTrue();
        new TopologyRules[] { OneMasterRules.Instance, HotRules.Instance, FailoverRules.Instance }.Should().OnlyContain(r => !r.ConfirmOnOthers);
    }
}
