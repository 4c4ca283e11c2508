using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// The AWS SDK's default credential chain: environment, shared profile (keys, <c>credential_process</c>, assume role,
/// SSO), web identity, container and EC2 instance role (IMDSv2). The resolver caches what it found and refreshing
/// credentials renew themselves, so asking per request is cheap.
/// </summary>
internal sealed class DefaultChainCredentialsSource : IAwsCredentialsSource, IDisposable
{
    private readonly DefaultAWSCredentialsIdentityResolver resolver;

    // Once credentials were found, a failure is the credential endpoint's hiccup (IMDS, STS, SSO): retried, never fatal.
    private volatile bool resolvedOnce;

    public DefaultChainCredentialsSource()
    {
        AwsRuntimeDependencies.Register();
        resolver = new DefaultAWSCredentialsIdentityResolver();
    }

    public async Task<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var credentials = await resolver.ResolveIdentityAsync(null, cancellationToken);
            var immutable = await credentials.GetCredentialsAsync().WaitAsync(cancellationToken);
            resolvedOnce = true;
            return immutable;
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException)
        {
            if (resolvedOnce)
                throw new AutoScalingException("AWS credentials could not be renewed: " + FirstLine(e.Message), isTransient: true, errorCode: "CredentialsUnavailable", innerException: e);
            throw new AutoScalingException(NoCredentialsMessage(), isTransient: false, errorCode: MissingCredentials, innerException: e);
        }
    }

    /// <summary>The error code of a chain that found no credentials at all.</summary>
    public const string MissingCredentials = "MissingCredentials";

    /// <summary>How to give the daemon credentials.</summary>
    public const string HowToProvide = "give the master's instance an IAM role, or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the service's environment";

    /// <summary>One line: the sources the chain tried, and how to provide one.</summary>
    public static string NoCredentialsMessage() => SourcesTried() + ". " + char.ToUpperInvariant(HowToProvide[0]) + HowToProvide[1..];

    /// <summary>That none was found, and the sources the chain tried.</summary>
    public static string SourcesTried()
    {
        var credentialsFile = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } c ? c : "~/.aws/credentials";
        var configFile = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE") is { Length: > 0 } f ? f : "~/.aws/config";
        return "no AWS credentials found; tried: environment (AWS_ACCESS_KEY_ID), " +
            $"profile '{AwsRuntimeDependencies.ActiveProfileName}' in {credentialsFile} and {configFile} (keys, credential_process, role_arn, SSO), " +
            "web identity (AWS_WEB_IDENTITY_TOKEN_FILE), container (AWS_CONTAINER_CREDENTIALS_*), EC2 instance metadata (IMDSv2)";
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    public void Dispose() => resolver.Dispose();
}
