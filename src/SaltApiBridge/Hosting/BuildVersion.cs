using System.Reflection;

namespace SaltApiBridge.Hosting;

/// <summary>
/// What this executable was built from, as Directory.Build.targets stamped it: the version (a tag vX.Y.Z at the built
/// commit gives X.Y.Z, else 0.0.0-dev+&lt;short sha&gt;) and the commit (short sha, or <c>unknown</c> without git).
/// </summary>
public sealed record BuildVersion(string Version, string Commit)
{
    /// <summary>The metadata key Directory.Build.targets writes the commit under.</summary>
    public const string CommitMetadataKey = "SourceCommit";

    public static BuildVersion Current { get; } = Of(typeof(BuildVersion).Assembly);

    public static BuildVersion Of(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3)
            ?? "0.0.0";
        var commit = assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == CommitMetadataKey)?.Value;
        return new BuildVersion(version, string.IsNullOrEmpty(commit) ? "unknown" : commit);
    }
}
