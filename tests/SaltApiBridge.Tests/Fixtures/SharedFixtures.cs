namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// Finds the shared <c>shared/</c> directory (fixtures, design notes) that sits next to the repository checkout,
/// by walking up from the test binaries until a directory holding <c>shared/fixtures</c> appears.
/// </summary>
internal static class SharedFixtures
{
    private static readonly Lazy<string> Root = new(Locate);

    /// <summary>The absolute path of <c>shared/</c>.</summary>
    public static string SharedDirectory => Root.Value;

    /// <summary>A path below <c>shared/fixtures/</c>.</summary>
    public static string FixturePath(params string[] parts) => Path.Combine([Root.Value, "fixtures", .. parts]);

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(Path.Combine(candidate, "fixtures")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures directory above {AppContext.BaseDirectory}.");
    }
}
