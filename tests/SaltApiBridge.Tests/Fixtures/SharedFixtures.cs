namespace SaltApiBridge.Tests.Fixtures;

/// <summary>Finds ../shared/fixtures (the repository checkout sits next to shared/).</summary>
internal static class SharedFixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The full path of a file or folder under shared/fixtures, e.g. Path("sigv4", "aws-sigv4-test-suite.json").</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures above {AppContext.BaseDirectory}.");
    }
}
