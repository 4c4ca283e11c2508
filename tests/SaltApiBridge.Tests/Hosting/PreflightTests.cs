using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Cli;
using SaltApiBridge.Hosting;
using SaltApiBridge.Simulation;
using SaltApiBridge.Tests.AutoScaling;
using SaltApiBridge.Tests.Fixtures;
using WireMock;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Tests.Hosting;

/// <summary><c>saltapibridge check</c>'s checks against the emulator and the simulators, each failure on its own.</summary>
public sealed class PreflightTests(FauxqsServer fauxqs) : IAsyncLifetime
{
    private const string Password = "check-password";
    private readonly SimulatedSaltApi salt = new() { Password = Password };
    private readonly SimulatedAutoScaling autoScaling = new();
    private string queueName = "";

    public async ValueTask InitializeAsync()
    {
        queueName = "check-" + Guid.NewGuid().ToString("N");
        await fauxqs.CreateQueueAsync(queueName);
    }

    public async ValueTask DisposeAsync()
    {
        await salt.DisposeAsync();
        await autoScaling.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_EverythingInPlace_EveryCheckPasses()
    {
        var results = await CheckAsync();

        results.Should().OnlyContain(r => r.Ok, string.Join("\n", results));
        results.Select(r => r.Name).Should().Equal(
            "configuration", "queue", "salt-api login", "salt-api client wheel", "salt-api client local",
            "salt-api client local_async", "salt-api /hook", "AWS credentials", "Auto Scaling API");
        salt.Violations.Should().BeEmpty("every probe targets one exact id");
        salt.Calls.Should().NotContain(c => c.What.Contains("highstate", StringComparison.Ordinal) || c.What.Contains("accept", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_TwoMasters_ChecksEachAndThatTheyShareMasterPem()
    {
        await using var second = new SimulatedSaltApi(minions: salt.Minions) { Password = "second-password" };

        var results = await CheckAsync(new()
        {
            ["SaltApi:Masters:m2:BaseUrl"] = second.BaseUrl,
            ["SaltApi:Masters:m2:Password"] = "second-password",
        });

        results.Should().OnlyContain(r => r.Ok, string.Join("\n", results));
        results.Select(r => r.Name).Should().ContainInOrder("salt-api /hook", "master local", "master m2", "masters share master.pem", "AWS credentials");
        results.Single(r => r.Name == "masters share master.pem").Detail.Should().Contain("the same master.pub fingerprint");
        second.Calls.Select(c => c.What).Should().Contain(["login", "wheel key.finger", "wheel key.finger_master"]);
    }

    [Fact]
    public async Task RunAsync_SecondMasterRefusesItsCredentials_FailsNamingThatMaster()
    {
        await using var second = new SimulatedSaltApi(minions: salt.Minions) { Password = "second-password" };

        var results = await CheckAsync(new()
        {
            ["SaltApi:Masters:m2:BaseUrl"] = second.BaseUrl,
            ["SaltApi:Masters:m2:Password"] = "not-its-password",
        });

        var m2 = results.Single(r => r.Name == "master m2");
        m2.Ok.Should().BeFalse();
        m2.Detail.Should().Contain("refused the credentials").And.NotContain("not-its-password");
        m2.Fix.Should().Contain("key\\.finger$");
        results.Single(r => r.Name == "master local").Ok.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_WrongPassword_LoginFailsWithTheRefusal()
    {
        var results = await CheckAsync(new() { ["SaltApi:Password"] = "not-the-password" });

        var login = results.Single(r => r.Name == "salt-api login");
        login.Ok.Should().BeFalse();
        login.Detail.Should().Contain("refused the credentials of user saltapibridge");
        login.Detail.Should().NotContain("not-the-password");
        results.Where(r => r.Name != "salt-api login").Should().OnlyContain(r => r.Ok);
    }

    [Fact]
    public async Task RunAsync_MissingQueue_QueueFailsNamingIt()
    {
        var results = await CheckAsync(new() { ["Queue:QueueName"] = "no-such-queue" });

        var queue = results.Single(r => r.Name == "queue");
        queue.Ok.Should().BeFalse();
        queue.Detail.Should().Contain("no-such-queue").And.Contain("does not exist");
        queue.Fix.Should().Contain("Queue:QueueName");
    }

    [Fact]
    public async Task RunAsync_SaltApiStopped_LoginFailsAsUnreachable()
    {
        salt.Down();

        var results = await CheckAsync();

        var login = results.Single(r => r.Name == "salt-api login");
        login.Ok.Should().BeFalse();
        login.Detail.Should().Contain(salt.BaseUrl);
        login.Fix.Should().Contain("is salt-api running");
        results.Should().NotContain(r => r.Name.StartsWith("salt-api client", StringComparison.Ordinal), "nothing more can be learnt without a login");
    }

    [Fact]
    public async Task RunAsync_SaltApiRefusesConnections_FixPointsAtTheListenerNotTheCredentials()
    {
        salt.Down();

        var results = await CheckAsync();

        var login = results.Single(r => r.Name == "salt-api login");
        login.Fix.Should().Contain($"not reachable at {salt.BaseUrl}").And.Contain("SaltApi:BaseUrl")
            .And.NotContain("Username").And.NotContain("password");
    }

    [Fact]
    public async Task RunAsync_WrongPassword_FixAsksForTheCredentials()
    {
        var results = await CheckAsync(new() { ["SaltApi:Password"] = "not-the-password" });

        results.Single(r => r.Name == "salt-api login").Fix.Should().Contain("SaltApi:Username and the password").And.NotContain("not reachable");
    }

    [Fact]
    public async Task RunAsync_NoAwsCredentials_SaysWhatWasTriedThenHowToProvideOneOnce()
    {
        var missing = new AutoScalingException(DefaultChainCredentialsSource.NoCredentialsMessage(), isTransient: false, errorCode: DefaultChainCredentialsSource.MissingCredentials);

        var results = await CheckAsync(credentials: new StaticCredentialsSource(null, missing));

        var credentials = results.Single(r => r.Name == "AWS credentials");
        credentials.Ok.Should().BeFalse();
        credentials.Detail.Should().StartWith("no AWS credentials found; tried: environment").And.NotContain("IAM role");
        credentials.Fix.Should().Contain("IAM role").And.Contain("AWS_PROFILE");
    }

    [Fact]
    public async Task RunAsync_InvalidConfiguration_SaysWhichChecksWereSkipped()
    {
        var results = await CheckAsync(new() { ["Pipeline:MaxInFlight"] = "0" });

        var skipped = results.Should().ContainSingle(r => r.Skipped).Subject;
        skipped.Detail.Should().Contain("queue").And.Contain("salt-api login").And.Contain("AWS credentials").And.Contain("Auto Scaling API");
        results.Should().NotContain(r => r.Name == "queue" || r.Name == "salt-api login", "nothing is asked with a configuration that does not hold");
    }

    [Fact]
    public async Task RunAsync_WheelClientDisabled_SaysToEnableIt()
    {
        salt.DisabledClients["wheel"] = true;

        var results = await CheckAsync();

        var wheel = results.Single(r => r.Name == "salt-api client wheel");
        wheel.Ok.Should().BeFalse();
        wheel.Detail.Should().Contain("netapi_enable_clients");
        results.Single(r => r.Name == "salt-api client local").Ok.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_AutoScalingAccessDenied_NamesThePermissions()
    {
        autoScaling.Interceptor = _ =>
        {
            var response = new ResponseMessage
            {
                StatusCode = 403,
                BodyData = new BodyData
                {
                    BodyAsString = QueryApiHarness.Error("AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/salt/i-1 is not authorized to perform: autoscaling:RecordLifecycleActionHeartbeat"),
                    DetectedBodyType = BodyType.String,
                },
            };
            response.AddHeader("Content-Type", "text/xml");
            return response;
        };

        var results = await CheckAsync();

        var api = results.Single(r => r.Name == "Auto Scaling API");
        api.Ok.Should().BeFalse();
        api.Fix.Should().Contain("autoscaling:RecordLifecycleActionHeartbeat");
    }

    [Fact]
    public async Task Check_InvalidConfiguration_PrintsEveryProblemAndExits1()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-check-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """{ "SaltApi": { "BaseUrl": "http://10.1.2.3:8000" }, "Pipeline": { "MaxInFlights": 3 } }""", TestContext.Current.CancellationToken);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await BridgeCli.RunAsync(["check", "--config", file], output, error);

            code.Should().Be(1);
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().Contain(l => l.StartsWith("✗ configuration:", StringComparison.Ordinal) && l.Contains("loopback", StringComparison.Ordinal))
                .And.Contain(l => l.StartsWith("✗ configuration:", StringComparison.Ordinal) && l.Contains("MaxInFlights", StringComparison.Ordinal))
                .And.Contain(l => l.TrimStart().StartsWith("fix:", StringComparison.Ordinal));
            output.ToString().Should().NotContain("   at ");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Check_SeveralConfigurationProblems_EachWithItsOwnFix()
    {
        var file = Path.Combine(Path.GetTempPath(), $"saltapibridge-check-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            { "Queue": { "QueueName": "q", "QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/q", "Region": "eu-west-1" },
              "SaltApi": { "BaseUrl": "http://10.1.2.3:8000", "Password": "hunter2" },
              "AutoScaling": { "Region": "eu-west-1" },
              "Bridge": { "LaunchFailureResult": "Maybe", "Group": ["web-asg"] } }
            """, TestContext.Current.CancellationToken);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = await BridgeCli.RunAsync(["check", "--config", file], output, error);

            code.Should().Be(1);
            var fixes = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.TrimStart().StartsWith("fix:", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
            fixes.Should().OnlyHaveUniqueItems().And.Contain([
                "fix: set Bridge:LaunchFailureResult to one of Continue, Abandon",
                "fix: rename Bridge:Group to Bridge:Groups",
                "fix: keep one of Queue:QueueUrl and Queue:QueueName, and remove the other",
                "fix: point SaltApi:BaseUrl at 127.0.0.1 (rest_cherrypy's host), or set SaltApi:AllowRemoteSaltApi to true",
                "fix: set SaltApi:Username in the file given with --config (or SALTAPIBRIDGE_SaltApi__Username in the service's environment)",
            ]);
            output.ToString().Should().NotContain("hunter2");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<IReadOnlyList<CheckResult>> CheckAsync(Dictionary<string, string?>? overrides = null, IAwsCredentialsSource? credentials = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Queue:QueueName"] = queueName,
            ["Queue:Region"] = FauxqsServer.Region,
            ["SaltApi:BaseUrl"] = salt.BaseUrl,
            ["SaltApi:Username"] = "saltapibridge",
            ["SaltApi:Password"] = Password,
            ["SaltApi:MaxRetries"] = "1",
            ["SaltApi:RetryDelay"] = "00:00:00.010",
            ["AutoScaling:Region"] = FauxqsServer.Region,
            ["AutoScaling:ServiceUrl"] = autoScaling.Url,
            ["AutoScaling:MaxRetryAttempts"] = "1",
            ["AutoScaling:RetryBaseDelay"] = "00:00:00",
            ["Health:Urls"] = "http://127.0.0.1:0",
        };
        foreach (var (key, value) in overrides ?? [])
            settings[key] = value;
        await using WebApplication app = BridgeHost.Build(null, c => c.AddInMemoryCollection(settings), services =>
        {
            services.Replace(ServiceDescriptor.Singleton<IAmazonSQS>(_ => fauxqs.CreateSqsClient()));
            services.Replace(ServiceDescriptor.Singleton(
                credentials ?? new StaticCredentialsSource(new ImmutableCredentials("AKIDEXAMPLE", "secret", null))));
        });
        return await new Preflight(app.Services).RunAsync(_ => { }, TestContext.Current.CancellationToken);
    }
}
