namespace SaltApiBridge.Tests.Fixtures;

/// <summary>The lifecycle messages in <c>fixtures/messages/</c>, as AWS sends them.</summary>
public static class MessageFixtures
{
    public static string Read(string name) => RepoFixtures.ReadText("messages", name);

    public static string PathOf(string name) => RepoFixtures.Path("messages", name);

    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(RepoFixtures.Path("messages"), "*.json").Select(System.IO.Path.GetFileName)!;
}
