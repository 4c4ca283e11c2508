using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.RuntimeDependencies;
using Amazon.SecurityToken;
using Amazon.SSO;
using Amazon.SSOOIDC;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// The STS, SSO and SSO OIDC clients the SDK's credential chain needs for assume-role, web identity (EKS/IRSA) and
/// SSO profiles. The SDK loads them by assembly name, which Native AOT cannot do; registered here, the JIT build the
/// tests run and the published executable take the same path.
/// </summary>
internal static class AwsRuntimeDependencies
{
    private static int registered;

    /// <summary>Registers the clients once per process; later calls do nothing.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1)
            return;
        var registry = GlobalRuntimeDependencyRegistry.Instance;
        registry.RegisterSecurityTokenServiceClient(context =>
        {
            var data = context.SecurityTokenServiceClientContextData;
            var config = new AmazonSecurityTokenServiceConfig { RegionEndpoint = data.Region };
            if (data.ProxySettings is not null)
                config.SetWebProxy(data.ProxySettings);
            // The registry gives the client no caller: AssumeRole needs the profile's source credentials, web
            // identity needs none (its token is the proof).
            return new AmazonSecurityTokenServiceClient(AssumeRoleSourceCredentials() ?? new AnonymousAWSCredentials(), config);
        });
        registry.RegisterSSOClient(context =>
        {
            var data = context.SSOClientContextData;
            var config = new AmazonSSOConfig { RegionEndpoint = data.Region };
            if (data.ProxySettings is not null)
                config.SetWebProxy(data.ProxySettings);
            // SSO's GetRoleCredentials is authorised by the cached access token, not by AWS credentials.
            return new AmazonSSOClient(new AnonymousAWSCredentials(), config);
        });
        registry.RegisterSSOOIDCClient(context =>
        {
            var data = context.SSOOIDCClientContextData;
            var config = new AmazonSSOOIDCConfig { RegionEndpoint = data.Region };
            if (data.ProxySettings is not null)
                config.SetWebProxy(data.ProxySettings);
            return new AmazonSSOOIDCClient(new AnonymousAWSCredentials(), config);
        });
    }

    /// <summary>The profile the SDK's chain reads: AWS_PROFILE, else <c>default</c>.</summary>
    public static string ActiveProfileName =>
        Environment.GetEnvironmentVariable("AWS_PROFILE") is { Length: > 0 } name ? name : "default";

    /// <summary>
    /// The credentials an assume-role profile names as its source (<c>source_profile</c>, or <c>credential_source</c>
    /// Environment / Ec2InstanceMetadata / EcsContainer); null when the active profile assumes no role.
    /// </summary>
    private static AWSCredentials? AssumeRoleSourceCredentials()
    {
        var profiles = new CredentialProfileStoreChain();
        if (!profiles.TryGetProfile(ActiveProfileName, out var profile) || string.IsNullOrEmpty(profile.Options.RoleArn))
            return null;
        if (!string.IsNullOrEmpty(profile.Options.SourceProfile))
        {
            // One hop only: a source that assumes a role itself would come back here for its own STS client, forever.
            if (!profiles.TryGetProfile(profile.Options.SourceProfile, out var sourceProfile) || !string.IsNullOrEmpty(sourceProfile.Options.RoleArn))
                return null;
            return profiles.TryGetAWSCredentials(profile.Options.SourceProfile, out var source) ? source : null;
        }

        return profile.Options.CredentialSource switch
        {
            "Environment" => new EnvironmentVariablesAWSCredentials(),
            "Ec2InstanceMetadata" => new InstanceProfileAWSCredentials(),
            "EcsContainer" => new GenericContainerCredentials(),
            _ => null,
        };
    }
}
