using System.Net;
using SaltApiBridge.AutoScaling;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>
/// The SDK's real credential chain, in a clean environment, against a local STS. Profiles are tested in a process of
/// their own (<see cref="CredentialChainProcessTests"/>): the SDK fixes the shared files' paths at its first use.
/// </summary>
[Collection(AwsEnvironmentCollection.Name)]
public sealed class DefaultChainCredentialsSourceTests
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/saltapibridge";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetCredentialsAsync_WebIdentityToken_AssumesTheRoleWithTheToken()
    {
        using var environment = new AwsEnvironment();
        await using var sts = new StsStandIn();
        var tokenFile = Path.Combine(environment.Folder, "token");
        await File.WriteAllTextAsync(tokenFile, "eyJ.web-identity-token.sig", Ct);
        environment.Set("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
        environment.Set("AWS_ROLE_ARN", RoleArn);
        environment.Set("AWS_ROLE_SESSION_NAME", "saltapibridge-irsa");
        environment.Set("AWS_ENDPOINT_URL_STS", sts.Url);
        using var source = new DefaultChainCredentialsSource();

        var credentials = await source.GetCredentialsAsync(Ct);

        credentials.AccessKey.Should().Be(StsStandIn.AccessKeyId);
        var request = sts.Requests.Should().ContainSingle().Subject;
        request.Form.Should().Contain("Action", "AssumeRoleWithWebIdentity").And.Contain("RoleArn", RoleArn)
            .And.Contain("WebIdentityToken", "eyJ.web-identity-token.sig");
    }

    [Fact]
    public async Task GetCredentialsAsync_StsFailsAfterAFirstSuccess_TransientNotFatal()
    {
        using var environment = new AwsEnvironment();
        // Credentials that expire within the SDK's renewal margin: every call renews them.
        await using var sts = new StsStandIn { Lifetime = TimeSpan.FromMinutes(1) };
        var tokenFile = Path.Combine(environment.Folder, "token");
        await File.WriteAllTextAsync(tokenFile, "eyJ.web-identity-token.sig", Ct);
        environment.Set("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
        environment.Set("AWS_ROLE_ARN", RoleArn);
        environment.Set("AWS_ENDPOINT_URL_STS", sts.Url);
        using var source = new DefaultChainCredentialsSource();
        (await source.GetCredentialsAsync(Ct)).AccessKey.Should().Be(StsStandIn.AccessKeyId);

        sts.FailWith = HttpStatusCode.ServiceUnavailable;
        var thrown = await Record.ExceptionAsync(() => source.GetCredentialsAsync(Ct));

        sts.Requests.Count.Should().BeGreaterThan(1, "the second call asked STS again");
        thrown.Should().BeOfType<AutoScalingException>().Which.IsTransient.Should().BeTrue();
    }
}
