namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// Locates <c>shared/</c>, which sits next to the checkout (locally and in CI), by walking up from the test binaries.
/// </summary>
public static class SharedFixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The full path of a file or folder under <c>shared/</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    public static string ReadText(params string[] parts) => File.ReadAllText(Path(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "fixtures")))
                return candidate;
        }

        throw new DirectoryNotFoundException(
            $"shared/fixtures not found above {AppContext.BaseDirectory}; the checkout must sit next to shared/");
    }
}
