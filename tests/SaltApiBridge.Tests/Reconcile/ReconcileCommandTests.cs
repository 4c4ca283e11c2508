using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Coordination;
using SaltApiBridge.Coordination.Local;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.AutoScaling;
using SaltApiBridge.Tests.Salt;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Tests.Reconcile;

/// <summary>
/// <c>saltapibridge reconcile</c> as an operator runs it, against the transcript-built salt-api and the simulated Auto
/// Scaling API. The fleet: 45 instances in service (30 in web-asg, 15 in api-asg, described one group per page), 50
/// accepted keys of those groups (the 45 and 5 orphans), plus keys reconcile must never touch (not of the template, of
/// another group, pending), and a record of a successful highstate for all but 2 instances.
/// </summary>
public sealed class ReconcileCommandTests : IAsyncLifetime
{
    private const string Web = "web-asg";
    private const string Api = "api-asg";

    private static readonly string[] Orphans = [.. Enumerable.Range(100, 5).Select(n => $"{Web}-{Instance(n)}")];

    private readonly SimulatedSaltApi salt = new();
    private readonly SimulatedAutoScaling autoScaling = new() { GroupsPerPage = 1 };
    private readonly DirectoryInfo records = Directory.CreateTempSubdirectory("saltapibridge-records-");
    private readonly string configFile = Path.Combine(Path.GetTempPath(), $"saltapibridge-{Guid.NewGuid():N}.json");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var store = new FileProvisioningRecords(records.FullName);
        for (var n = 0; n < 45; n++)
        {
            var group = n < 30 ? Web : Api;
            var minion = $"{group}-{Instance(n)}";
            autoScaling.AddInstance(group, Instance(n), "InService");
            salt.SetKey(minion, "minions");
            if (n < 43)
                await store.SaveAsync(new ProvisioningRecord(minion, Instance(n), group, null, DateTimeOffset.UtcNow, ProvisionedAt: DateTimeOffset.UtcNow), Ct);
        }

        foreach (var orphan in Orphans)
            salt.SetKey(orphan, "minions");
        salt.SetKey("saltmaster", "minions");
        salt.SetKey($"other-asg-{Instance(200)}", "minions");
        salt.SetKey($"{Web}-{Instance(300)}", "minions_pre");
        salt.KeysArriveOnLookup = false;
        await WriteConfigAsync([Web, Api]);
    }

    public async ValueTask DisposeAsync()
    {
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
        records.Delete(recursive: true);
        File.Delete(configFile);
    }

    [Fact]
    public async Task Reconcile_DryRunOn50KeysAnd45Instances_ReportsExactlyTheFiveOrphansAndDeletesNothing()
    {
        var (code, output, error) = await RunAsync("reconcile", "--config", configFile);

        code.Should().Be(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().MatchRegex("^KIND +MINION ID +INSTANCE +GROUP +REASON +ACTION$");
        lines.Where(l => l.StartsWith("orphan", StringComparison.Ordinal)).Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries)[1].Trim())
            .Should().Equal(Orphans);
        lines.Where(l => l.StartsWith("orphan", StringComparison.Ordinal)).Should().OnlyContain(l => l.EndsWith("would delete", StringComparison.Ordinal));
        lines.Where(l => l.StartsWith("stray", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.OnlyContain(l => l.Contains("no successful highstate on record", StringComparison.Ordinal));
        lines[^1].Should().Be("50 key(s) of the configured groups, 45 live instance(s): 5 orphan(s), 2 stray(s); dry run, nothing deleted (--apply deletes the orphans)");
        salt.Calls.Should().NotContain(c => c.What == "wheel key.delete_dict");
        autoScaling.Calls.Count(c => c.Action == "DescribeAutoScalingGroups").Should().Be(2, "one group per page: NextToken was followed");
    }

    [Fact]
    public async Task Reconcile_Apply_DeletesOnlyTheOrphansFiresEventsAndForgetsTheirRecords()
    {
        var (code, output, error) = await RunAsync("reconcile", "--config", configFile, "--apply", "--json");

        code.Should().Be(0, error);
        var report = JsonNode.Parse(output)!;
        report["deleted"]!.GetValue<int>().Should().Be(5);
        report["findings"]!.AsArray().Where(f => f!["kind"]!.GetValue<string>() == "orphan")
            .Select(f => (f!["minionId"]!.GetValue<string>(), f["action"]!.GetValue<string>()))
            .Should().Equal(Orphans.Select(o => (o, "deleted")));
        salt.Calls.Where(c => c.What == "wheel key.delete_dict").Select(c => c.MinionId).Should().BeEquivalentTo(Orphans);
        salt.Calls.Where(c => c.What == "hook " + BridgeEventTags.KeyDeleted).Select(c => c.MinionId).Should().BeEquivalentTo(Orphans);
        foreach (var orphan in Orphans)
            salt.KeyOf(orphan).Should().BeNull();
        salt.KeyOf("saltmaster").Should().Be("minions");
        salt.KeyOf($"other-asg-{Instance(200)}").Should().Be("minions");
        salt.KeyOf($"{Web}-{Instance(300)}").Should().Be("minions_pre");
        salt.KeyOf($"{Web}-{Instance(0)}").Should().Be("minions");
        salt.Violations.Should().BeEmpty();
    }

    [Fact]
    public async Task Reconcile_AutoScalingRefusesTheSecondPage_DeletesNothingAndExits1()
    {
        autoScaling.Interceptor = request => request.Body?.Contains("Action=DescribeAutoScalingGroups", StringComparison.Ordinal) == true
                                             && request.Body.Contains("NextToken=", StringComparison.Ordinal)
            ? Xml(403, QueryApiHarness.Error("AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/bridge/i-1 is not authorized to perform: autoscaling:DescribeAutoScalingGroups"))
            : null;

        var (code, output, error) = await RunAsync("reconcile", "--config", configFile, "--apply");

        code.Should().Be(1);
        error.Should().StartWith("error: nothing done: ").And.Contain("DescribeAutoScalingGroups").And.NotContain("   at ");
        output.Should().NotContain("orphan");
        salt.Calls.Should().NotContain(c => c.What == "wheel key.delete_dict");
        foreach (var orphan in Orphans)
            salt.KeyOf(orphan).Should().Be("minions");
    }

    [Fact]
    public async Task Reconcile_MoreOrphansThanMaxDeletions_DeletesNoneAndExits1()
    {
        var (code, output, error) = await RunAsync("reconcile", "--config", configFile, "--apply", "--max-deletions", "4");

        code.Should().Be(1);
        error.Should().Contain("5 orphan keys exceed the limit of 4");
        output.Split('\n').Where(l => l.StartsWith("orphan", StringComparison.Ordinal)).Should().HaveCount(5)
            .And.OnlyContain(l => l.TrimEnd().EndsWith("kept", StringComparison.Ordinal));
        salt.Calls.Should().NotContain(c => c.What == "wheel key.delete_dict");
    }

    [Fact]
    public async Task Reconcile_KeyOfAnInstanceOutsideTheGroupListing_IsNotAnOrphan()
    {
        // DescribeAutoScalingGroups leaves warm-pool instances out; DescribeAutoScalingInstances still knows them.
        var warm = Instance(400);
        autoScaling.AddInstance(Web, warm, "Warmed:Stopped");
        salt.SetKey($"{Web}-{warm}", "minions");

        var (code, output, error) = await RunAsync("reconcile", "--config", configFile, "--apply", "--json");

        code.Should().Be(0, error);
        var report = JsonNode.Parse(output)!;
        report["findings"]!.AsArray().Select(f => f!["minionId"]!.GetValue<string>()).Should().NotContain($"{Web}-{warm}");
        report["notes"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Contain(n => n.Contains(warm, StringComparison.Ordinal) && n.Contains("Warmed:Stopped", StringComparison.Ordinal));
        salt.KeyOf($"{Web}-{warm}").Should().Be("minions");
        report["deleted"]!.GetValue<int>().Should().Be(5);
    }

    [Fact]
    public async Task Reconcile_NoGroupsConfigured_RefusesBeforeAskingAnyone()
    {
        await WriteConfigAsync([]);

        var (code, _, error) = await RunAsync("reconcile", "--config", configFile, "--apply");

        code.Should().Be(1);
        error.Should().Contain("Bridge:Groups is empty");
        salt.Calls.Should().BeEmpty();
        autoScaling.Calls.Should().BeEmpty();
    }

    [Theory]
    [InlineData("--apply", "--dry-run")]
    [InlineData("--max-deletions", "0")]
    [InlineData("--max-deletions", "many")]
    public async Task Reconcile_BadFlags_OneErrorLineExit2(string flag, string value)
    {
        var (code, output, error) = await RunAsync("reconcile", "--config", configFile, flag, value);

        code.Should().Be(2);
        error.Should().StartWith("error: ").And.NotContain("   at ");
        output.Should().BeEmpty();
        salt.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Reconcile_InvalidConfiguration_ListsProblemsExit2()
    {
        await File.WriteAllTextAsync(configFile, """{ "Bridge": { "Groups": ["web*"] }, "Reconcile": { "MaxDeletions": 0 }, "SaltApi": { "Username": "u", "Password": "hunter2" } }""", Ct);

        var (code, _, error) = await RunAsync("reconcile", "--config", configFile);

        code.Should().Be(2);
        error.Should().StartWith("error: invalid configuration:").And.Contain("Bridge:Groups").And.Contain("Reconcile:MaxDeletions").And.NotContain("hunter2");
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await BridgeCli.RunAsync(args, output, error, services =>
            services.Replace(ServiceDescriptor.Singleton<IAwsCredentialsSource>(
                new StaticCredentialsSource(new ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null)))));
        return (code, output.ToString(), error.ToString());
    }

    private Task WriteConfigAsync(string[] groups) =>
        File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(new
        {
            Bridge = new { Groups = groups },
            Pipeline = new { RecordDirectory = records.FullName },
            SaltApi = new { BaseUrl = salt.BaseUrl, Username = "saltapi", Password = SaltApiHarness.Password, RetryDelay = "00:00:00.010" },
            AutoScaling = new { Region = "eu-west-1", ServiceUrl = autoScaling.Url, RetryBaseDelay = "00:00:00.010" },
        }), Ct);

    private static ResponseMessage Xml(int status, string body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "text/xml");
        return response;
    }

    private static string Instance(int n) => $"i-{n:x17}";
}
