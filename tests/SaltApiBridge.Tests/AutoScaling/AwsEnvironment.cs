namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>
/// A clean AWS environment for the credential chain: no keys, no profile, no web identity, no instance metadata,
/// shared files in a temporary folder (never the real home directory). Disposing restores every variable.
/// </summary>
internal sealed class AwsEnvironment : IDisposable
{
    private static readonly string[] Variables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_EC2_METADATA_DISABLED",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_REGION", "AWS_DEFAULT_REGION",
    ];

    private readonly Dictionary<string, string?> saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    // One path per process, emptied between tests: the SDK remembers the shared files' paths once it has read them.
    private readonly DirectoryInfo folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"saltapibridge-aws-{Environment.ProcessId}"));

    public AwsEnvironment()
    {
        foreach (var variable in Variables)
            Environment.SetEnvironmentVariable(variable, null);
        ConfigFile = Path.Combine(folder.FullName, "config");
        CredentialsFile = Path.Combine(folder.FullName, "credentials");
        File.WriteAllText(ConfigFile, "");
        File.WriteAllText(CredentialsFile, "");
        Set("AWS_CONFIG_FILE", ConfigFile);
        Set("AWS_SHARED_CREDENTIALS_FILE", CredentialsFile);
        Set("AWS_EC2_METADATA_DISABLED", "true");
        Set("AWS_REGION", "eu-west-1");
    }

    public string ConfigFile { get; }

    public string CredentialsFile { get; }

    public string Folder => folder.FullName;

    /// <summary>Sets one of the variables this environment restores (any other would outlive the test).</summary>
    public void Set(string variable, string? value)
    {
        if (!saved.ContainsKey(variable))
            throw new ArgumentException($"{variable} is not restored by {nameof(AwsEnvironment)}", nameof(variable));
        Environment.SetEnvironmentVariable(variable, value);
    }

    public void Dispose()
    {
        foreach (var (variable, value) in saved)
            Environment.SetEnvironmentVariable(variable, value);
        folder.Delete(recursive: true);
    }
}
