using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SaltApiBridge.Hosting;

namespace SaltApiBridge.Tests.Hosting;

public sealed partial class BuildInfoTests
{
    [Fact]
    public void BuildInfo_Observed_OneSeriesValue1LabelledWithVersionAndCommit()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var seen = new List<(string Instrument, int Value, Dictionary<string, object?> Labels)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
            seen.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        _ = new BuildInfo(new BuildVersion("1.2.3", "abc1234"), factory);
        listener.RecordObservableInstruments();

        seen.Should().ContainSingle().Which.Should().BeEquivalentTo(
            (Instrument: "build_info", Value: 1, Labels: new Dictionary<string, object?> { ["version"] = "1.2.3", ["commit"] = "abc1234" }));
    }

    [Fact]
    public void Current_ThisBuild_IsTheTagsVersionOrDevWithItsCommitOnce()
    {
        var build = BuildVersion.Current;

        build.Commit.Should().MatchRegex("^([0-9a-f]{4,40}|unknown)$");
        // A tagged build is X.Y.Z[-pre]; any other is 0.0.0-dev+<the commit>: never the SDK's 1.0.0 nor a second +sha.
        (Release().IsMatch(build.Version) || build.Version == "0.0.0-dev+" + build.Commit).Should().BeTrue(build.Version);
    }

    [Fact]
    public void AddSaltApiBridge_Daemon_StartsBuildInfoWithTheOtherHostedServices()
    {
        var services = new ServiceCollection().AddSaltApiBridge(new ConfigurationBuilder().Build());

        services.Should().ContainSingle(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(BuildInfo));
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex Release();
}
