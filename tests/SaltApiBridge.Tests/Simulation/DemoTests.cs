using SaltApiBridge.Demo;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.Simulation;

/// <summary>The demo in its short mode, as CI runs it: the real daemon, emulator and simulators, checked by its own summary.</summary>
public sealed partial class DemoTests(FauxqsServer fauxqs, DynaliteServer dynalite)
{
    [Fact]
    public async Task Demo_ShortRun_ExitsZeroWithEveryCheckPassed()
    {
        _ = fauxqs; // the fixture has installed tools/fauxqs; the demo starts its own emulator from there
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await DemoCommandLine.RunAsync(["--instances", "8", "--speed", "200", "--seed", "3"], output, error);

        var text = output.ToString();
        code.Should().Be(0, text + error);
        text.Should().Contain("✓ every lifecycle action completed once, as expected: 8 launches (7 CONTINUE, 1 ABANDON")
            .And.Contain("✓ queue empty (0 left), dead-letter queue empty (0)")
            .And.Contain("PASS").And.NotContain("✗");
        foreach (var instance in DemoRunner.Scenario(new DemoSettings(8, 200, 3)))
            text.Should().Contain(instance.MinionId);
    }

    [Fact]
    public async Task Demo_ShortRun_SummaryShowsAFewInstancesLogLinesAsAnOperatorReadsThem()
    {
        _ = fauxqs;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await DemoCommandLine.RunAsync(["--instances", "8", "--speed", "200", "--seed", "3"], output, error);

        code.Should().Be(0, output.ToString() + error);
        var summary = output.ToString()[output.ToString().IndexOf("What the daemon logged for a few of them", StringComparison.Ordinal)..];
        var failing = DemoRunner.Scenario(new DemoSettings(8, 200, 3)).Single(i => i.Fails);
        summary.Should().Contain(failing.MinionId);
        summary.Split('\n').Should().Contain(l => l.TrimStart().StartsWith("info: SaltApiBridge.", StringComparison.Ordinal) && l.Contains(failing.InstanceId, StringComparison.Ordinal));
    }

    [Fact]
    public void Headline_BeforeTheScaleIn_SaysScalingOut()
    {
        var tracker = new DemoTracker(DemoRunner.Scenario(new DemoSettings(8, 200, 3)));

        DemoView.Headline(tracker).Should().StartWith("scaling out: 0/8 launches completed");
    }

    [Fact]
    public void Headline_DuringTheScaleIn_SaysScalingInNotOut()
    {
        var tracker = new DemoTracker(DemoRunner.Scenario(new DemoSettings(8, 200, 3))) { ScalingIn = true };

        DemoView.Headline(tracker).Should().StartWith("scaling in: 0/").And.NotContain("scaling out");
    }

    [Fact]
    public async Task Demo_TwoMasters_EveryKeyAcceptedThenDeletedOnBoth()
    {
        _ = fauxqs;
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await DemoCommandLine.RunAsync(["--instances", "8", "--speed", "200", "--seed", "3", "--masters", "2"], output, error);

        var text = output.ToString();
        code.Should().Be(0, text + error);
        text.Should().Contain("2 simulated hot/hot Salt masters")
            .And.Contain("✓ every lifecycle action completed once, as expected: 8 launches (7 CONTINUE, 1 ABANDON")
            .And.Contain("removed with their instances, on each of the 2 masters")
            .And.Contain("PASS").And.NotContain("✗");
    }

    [Fact]
    public async Task Demo_TwoReplicasNextToTwoMasters_OneKilledMidRunTheOtherTakesOverAndEveryCheckPasses()
    {
        _ = (fauxqs, dynalite); // the fixtures have installed tools/fauxqs and tools/dynalite; the demo starts its own
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Both replicas poll the queue: with 12 of the 16 launches running a highstate, replica1 all but surely gets one,
        // which the kill waits for.
        var code = await DemoCommandLine.RunAsync(["--instances", "16", "--speed", "200", "--seed", "3", "--masters", "2", "--replicas", "2"], output, error);

        var text = output.ToString();
        code.Should().Be(0, text + error);
        text.Should().Contain("2 daemons are running (replica1 next to master1, replica2 next to master2)")
            .And.Contain("replica1 killed (SIGKILL) at ")
            .And.Contain("✓ every lifecycle action completed once, as expected: 16 launches (15 CONTINUE, 1 ABANDON")
            .And.Contain("removed with their instances, on each of the 2 masters")
            .And.Contain("✓ queue empty (0 left), dead-letter queue empty (0)")
            .And.Contain("PASS").And.NotContain("✗");
        var killed = KilledWith().Match(text);
        killed.Success.Should().BeTrue(text);
        Count(killed).Should().BePositive("master1 keeps replica1's highstates running until the kill: " + text);
        var takenOver = TookOver().Match(text);
        takenOver.Success.Should().BeTrue(text);
        Count(takenOver).Should().BePositive("replica1 was killed with work in progress: " + text);
    }

    [Theory]
    [InlineData("--replicas", "3")]
    [InlineData("--masters", "4")]
    [InlineData("--instances", "1")]
    [InlineData("--speed", "0")]
    public async Task Demo_OutOfRangeFlag_OneErrorLineExit2(string flag, string value)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await DemoCommandLine.RunAsync([flag, value], output, error);

        code.Should().Be(2);
        error.ToString().Should().StartWith("error: ").And.Contain(flag);
    }

    [Fact]
    public async Task Demo_TwoReplicasOnOneMaster_OneErrorLineExit2()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await DemoCommandLine.RunAsync(["--replicas", "2", "--masters", "1"], output, error);

        code.Should().Be(2);
        error.ToString().Should().StartWith("error: --replicas 2 runs each daemon next to a master of its own: --masters must be at least 2");
    }

    private static int Count(System.Text.RegularExpressions.Match match) =>
        int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [System.Text.RegularExpressions.GeneratedRegex(@"replica1\s+killed\s+\(SIGKILL\)\s+at\s+[0-9.]+\s+s\s+with\s+(\d+)\s+lifecycle\s+actions?\s+in\s+progress")]
    private static partial System.Text.RegularExpressions.Regex KilledWith();

    [System.Text.RegularExpressions.GeneratedRegex(@"replica2\s+took\s+over\s+(\d+)\s+lifecycle\s+actions?\s+from\s+their\s+records")]
    private static partial System.Text.RegularExpressions.Regex TookOver();
}
