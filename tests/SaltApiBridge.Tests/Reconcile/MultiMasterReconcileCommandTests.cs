using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Salt;
using SaltApiBridge.Tests.Pipeline;

namespace SaltApiBridge.Tests.Reconcile;

/// <summary>
/// <c>saltapibridge reconcile</c>'s table and JSON with two masters (hot/hot), m1 and m2, put in place of the
/// configured one: an orphan on both, an instance in service accepted on m1 only (a stray), one in Standby pending on m2
/// (a split).
/// </summary>
public sealed class MultiMasterReconcileCommandTests : IDisposable
{
    private static readonly string Gone = $"web-{Instance(1)}";
    private static readonly string Half = $"web-{Instance(2)}";
    private static readonly string Standby = $"web-{Instance(3)}";

    private readonly CallLog log = new();
    private readonly FakeSaltMaster m1;
    private readonly FakeSaltMaster m2;
    private readonly FakeAutoScalingInventory inventory = new();
    private readonly string configFile = Path.Combine(Path.GetTempPath(), $"saltapibridge-{Guid.NewGuid():N}.json");

    public MultiMasterReconcileCommandTests()
    {
        m1 = new FakeSaltMaster(log);
        m2 = new FakeSaltMaster(log);
        inventory.Set(Instance(1), null);
        inventory.Set(Instance(2), "web", "InService");
        inventory.Set(Instance(3), "web", "Standby");
        foreach (var id in new[] { Gone, Half, Standby })
            m1.SetKey(id, MinionKeyState.Accepted);
        m2.SetKey(Gone, MinionKeyState.Accepted);
        m2.SetKey(Standby, MinionKeyState.Pending);
        File.WriteAllText(configFile, JsonSerializer.Serialize(new
        {
            Bridge = new { Groups = new[] { "web" } },
            SaltApi = new { BaseUrl = "http://127.0.0.1:8000", Username = "saltapi", Password = "unused" },
            AutoScaling = new { Region = "eu-west-1" },
        }));
    }

    public void Dispose() => File.Delete(configFile);

    [Fact]
    public async Task Reconcile_TwoMasters_TableNamesTheMastersOfEachFinding()
    {
        var (code, output, error) = await RunAsync("reconcile", "--config", configFile);

        code.Should().Be(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().MatchRegex("^KIND +MINION ID +INSTANCE +GROUP +MASTERS +REASON +ACTION$");
        Row(lines, "orphan").Should().Equal("orphan", Gone, Instance(1), "web", "m1:accepted m2:accepted", "no instance in Auto Scaling", "would delete");
        Row(lines, "stray").Should().Equal("stray", Half, Instance(2), "web", "m1:accepted m2:absent", "key not accepted on every master: m2 cannot reach the minion", "none");
        Row(lines, "split").Take(5).Should().Equal("split", Standby, Instance(3), "web", "m1:accepted m2:pending");
        lines[^1].Should().Be("3 key(s) of the configured groups on 2 masters (m1, m2), 2 live instance(s): 1 orphan(s), 1 stray(s), 1 split key(s); dry run, nothing deleted (--apply deletes the orphans)");
    }

    [Fact]
    public async Task Reconcile_TwoMastersJson_CarriesEachMasterAndEachKeyState()
    {
        var (code, output, error) = await RunAsync("reconcile", "--config", configFile, "--json");

        code.Should().Be(0, error);
        var report = JsonNode.Parse(output)!;
        report["masters"]!.AsArray().Select(m => (m!["name"]!.GetValue<string>(), m["answered"]!.GetValue<bool>())).Should().Equal(("m1", true), ("m2", true));
        report["masters"]![0]!.AsObject().ContainsKey("error").Should().BeFalse();
        var split = report["splits"]!.AsArray().Should().ContainSingle().Subject!;
        split["kind"]!.GetValue<string>().Should().Be("split");
        split["masters"]!.AsArray().Select(m => (m!["master"]!.GetValue<string>(), m["state"]!.GetValue<string>()))
            .Should().Equal(("m1", "accepted"), ("m2", "pending"));
        report["findings"]!.AsArray().Select(f => f!["kind"]!.GetValue<string>()).Should().Equal("orphan", "stray", "split");
    }

    [Fact]
    public async Task Reconcile_SecondMasterDownWithApply_OneErrorLineNamesItDeletesNothingExit1()
    {
        m2.IsDown = true;

        var (code, output, error) = await RunAsync("reconcile", "--config", configFile, "--apply");

        code.Should().Be(ReconcileCommand.RefusedExitCode);
        error.Should().Be("error: nothing deleted: master m2: wheel key.list_all: connection refused (salt-api down); the findings come from m1 only" + Environment.NewLine);
        Row(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), "orphan").Should().Equal(
            "orphan", Gone, Instance(1), "web", "m1:accepted", "no instance in Auto Scaling", "kept");
        output.Should().Contain("on 1 of 2 masters (m1)");
        log.All.Should().NotContain(c => c.StartsWith("delete", StringComparison.Ordinal));
    }

    private static string[] Row(string[] lines, string kind) =>
        lines.Single(l => l.StartsWith(kind + " ", StringComparison.Ordinal)).Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var masters = new SaltMasterSet([new NamedSaltMaster("m1", m1), new NamedSaltMaster("m2", m2)], SaltTopology.Hot);
        var code = await BridgeCli.RunAsync(args, output, error, services =>
        {
            services.Replace(ServiceDescriptor.Singleton(masters));
            services.Replace(ServiceDescriptor.Singleton<IAutoScalingInventory>(inventory));
        });
        return (code, output.ToString(), error.ToString());
    }

    private static string Instance(int n) => $"i-{n:x17}";
}
