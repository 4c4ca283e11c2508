namespace SaltApiBridge.Tests.Fixtures;

/// <summary>
/// Locates the checkout's own <c>fixtures/</c> (AWS messages, salt-api transcripts, SigV4 vectors) by walking up from
/// the test binaries to the folder holding SaltApiBridge.sln. Nothing outside the checkout is read: a fresh clone
/// passes with nothing beside it.
/// </summary>
public static class RepoFixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The full path of a file or folder under the checkout's <c>fixtures/</c>.</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root.Value, .. parts]);

    public static string ReadText(params string[] parts) => File.ReadAllText(Path(parts));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SaltApiBridge.sln")))
                return System.IO.Path.Combine(dir.FullName, "fixtures");
        }

        throw new DirectoryNotFoundException($"no checkout (SaltApiBridge.sln) above {AppContext.BaseDirectory}");
    }
}
