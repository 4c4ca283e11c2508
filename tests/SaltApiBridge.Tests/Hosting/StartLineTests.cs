using System.Reflection;
using SaltApiBridge.Coordination;
using SaltApiBridge.Hosting;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Queue;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Tests.Hosting;

/// <summary>The daemon's own start line: what an operator needs to know it runs as configured, and no secret.</summary>
public sealed class StartLineTests
{
    private static readonly QueueOptions Queue = new() { QueueUrl = "https://sqs.eu-west-1.amazonaws.com/123456789012/saltapibridge" };

    [Fact]
    public void Of_TwoMasters_NamesEachWithItsUrlAndNoCredential()
    {
        var salt = new SaltApiOptions { Username = "saltapibridge", Password = "hunter2" };
        salt.Masters["salt2"] = new SaltMasterOptions { BaseUrl = "https://salt2.internal:8000", Password = "second-secret", PasswordFile = "/etc/saltapibridge/salt2.password" };

        var line = StartLine.Of(Queue, salt, new BridgeOptions(), new PipelineOptions());

        line.Masters.Should().Be("local http://127.0.0.1:8000, salt2 https://salt2.internal:8000");
        line.ToString().Should().NotContain("hunter2").And.NotContain("second-secret").And.NotContain("salt2.password");
    }

    [Fact]
    public void Of_QueueByUrl_NamesTheUrl() =>
        StartLine.Of(Queue, new SaltApiOptions(), new BridgeOptions(), new PipelineOptions()).Queue.Should().Be(Queue.QueueUrl);

    [Fact]
    public void Of_GroupsAndGoldenImageGroups_ListsBoth()
    {
        var bridge = new BridgeOptions();
        bridge.Groups.Add("web-asg");
        bridge.Groups.Add("worker-asg");
        bridge.GoldenImageGroups.Add("worker-asg");

        StartLine.Of(Queue, new SaltApiOptions(), bridge, new PipelineOptions()).Groups.Should().Be("web-asg, worker-asg (golden image: worker-asg)");
    }

    [Fact]
    public void Of_NoGroups_SaysEveryGroup() =>
        StartLine.Of(Queue, new SaltApiOptions(), new BridgeOptions(), new PipelineOptions()).Groups.Should().Be("every group");

    [Theory]
    [InlineData(null, "in memory")]
    [InlineData("/var/lib/saltapibridge/records", "/var/lib/saltapibridge/records")]
    public void Of_RecordDirectory_NamedOrInMemory(string? directory, string expected) =>
        StartLine.Of(Queue, new SaltApiOptions(), new BridgeOptions(), new PipelineOptions { RecordDirectory = directory }).Records.Should().Be(expected);

    [Fact]
    public void Of_DynamoDbStore_NamesTheTableAndThisReplica() =>
        StartLine.Of(Queue, new SaltApiOptions(), new BridgeOptions(), new PipelineOptions { RecordDirectory = "/var/lib/saltapibridge/records" },
                new CoordinationOptions { Store = CoordinationStoreKind.DynamoDb, TableName = "saltapibridge", ReplicaName = "salt1" })
            .Records.Should().Be("DynamoDB table saltapibridge (replica salt1)");

    [Fact]
    public void Of_Version_IsTheAssemblysInformationalVersion() =>
        StartLine.Of(Queue, new SaltApiOptions(), new BridgeOptions(), new PipelineOptions()).Version.Should()
            .Be(typeof(BridgeHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion);
}
