using System.Diagnostics;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>
/// The bridge (JIT build, beside the tests) in a process of its own, with an AWS environment set before the SDK starts:
/// its home, shared files and profile are a temporary folder's, never this machine's.
/// </summary>
public sealed class CredentialChainProcessTests : IDisposable
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/saltapibridge";

    private readonly DirectoryInfo home = Directory.CreateTempSubdirectory("saltapibridge-home-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Settings => Path.Combine(home.FullName, "appsettings.json");

    public void Dispose() => home.Delete(recursive: true);

    [Fact]
    public async Task Run_NoCredentialSourceHasAny_OneLineNamingTheSourcesAndHowToProvideOneExit3()
    {
        await WriteSettingsAsync();

        var (code, output) = await RunBridgeAsync(["run", "--config", Settings], new Dictionary<string, string>());

        // Checked once the health listener answers (the log's first lines are the start's): one critical line, exit 3.
        code.Should().Be(3, output);
        output.Should().NotContain("   at ");
        output.Trim().Split('\n').Should().ContainSingle(l => l.Contains("no AWS credentials", StringComparison.Ordinal), output).Which.Should()
            .Contain("crit: SaltApiBridge.Hosting.StartupChecks[6003] Cannot start: no AWS credentials found; tried: environment (AWS_ACCESS_KEY_ID), profile 'default' in ")
            .And.Contain("web identity").And.Contain("SSO").And.Contain("container").And.Contain("EC2 instance metadata")
            .And.Contain("IAM role").And.Contain("AWS_PROFILE").And.NotContain("webIdentityTokenFile");
    }

    [Fact]
    public async Task Check_AssumeRoleProfile_AssumesTheRoleWithTheSourceProfilesKeys()
    {
        await using var sts = new StsStandIn();
        await WriteSettingsAsync();
        var aws = Directory.CreateDirectory(Path.Combine(home.FullName, ".aws"));
        await File.WriteAllTextAsync(Path.Combine(aws.FullName, "credentials"),
            "[base]\naws_access_key_id = AKIDSOURCEPROFILE001\naws_secret_access_key = sourceSecretKey/abcdefghijklmnopqrstuvwxyz\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(aws.FullName, "config"),
            $"[profile bridge]\nrole_arn = {RoleArn}\nsource_profile = base\nrole_session_name = saltapibridge-test\n", Ct);

        var (_, output) = await RunBridgeAsync(["check", "--config", Settings], new Dictionary<string, string>
        {
            ["AWS_PROFILE"] = "bridge",
            ["AWS_ENDPOINT_URL_STS"] = sts.Url,
        });

        output.Should().Contain("✓ AWS credentials: found (access key ASIA");
        // The SQS client and the Auto Scaling signer each resolve the chain: every AssumeRole is the profile's.
        sts.Requests.Should().NotBeEmpty(output).And.OnlyContain(r =>
            r.Form.GetValueOrDefault("Action") == "AssumeRole" && r.Form.GetValueOrDefault("RoleArn") == RoleArn
            && r.Form.GetValueOrDefault("RoleSessionName") == "saltapibridge-test"
            // Signed with the source profile's keys.
            && r.Authorization != null && r.Authorization.Contains("Credential=AKIDSOURCEPROFILE001/", StringComparison.Ordinal));
    }

    private Task WriteSettingsAsync() => File.WriteAllTextAsync(Settings, """
        { "Queue": { "QueueUrl": "http://127.0.0.1:9/123456789012/saltapibridge", "ServiceUrl": "http://127.0.0.1:9", "Region": "eu-west-1" },
          "SaltApi": { "BaseUrl": "http://127.0.0.1:9", "Username": "saltapi", "Password": "hunter2", "MaxRetries": 1, "RetryDelay": "00:00:00.010" },
          "AutoScaling": { "Region": "eu-west-1", "ServiceUrl": "http://127.0.0.1:9", "MaxRetryAttempts": 1 },
          "Health": { "Urls": "http://127.0.0.1:0" } }
        """, Ct);

    /// <summary>Runs the bridge with only this test's AWS variables (and HOME) in its environment.</summary>
    private async Task<(int Code, string Output)> RunBridgeAsync(string[] arguments, Dictionary<string, string> variables)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "saltapibridge.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = home.FullName,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(variable);
        start.Environment["HOME"] = home.FullName;
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_REGION"] = "eu-west-1";
        foreach (var (variable, value) in variables)
            start.Environment[variable] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the bridge did not start");
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }

        return (process.ExitCode, await output + await error);
    }
}
