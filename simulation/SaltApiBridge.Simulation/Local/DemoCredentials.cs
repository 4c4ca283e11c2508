namespace SaltApiBridge.Simulation.Local;

/// <summary>Fixed credentials for the simulated Auto Scaling endpoint: the demo must not look at the machine's AWS setup.</summary>
internal static class DemoCredentials
{
    public const string AccessKeyId = "AKIDDEMO";

    public const string SecretAccessKey = "demo-secret-key";
}
