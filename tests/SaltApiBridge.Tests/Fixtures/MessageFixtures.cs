namespace SaltApiBridge.Tests.Fixtures;

/// <summary>The lifecycle messages in <c>shared/fixtures/messages/</c>, as AWS sends them.</summary>
public static class MessageFixtures
{
    public static string Read(string name) => SharedFixtures.ReadText("fixtures", "messages", name);

    public static string PathOf(string name) => SharedFixtures.Path("fixtures", "messages", name);

    public static IEnumerable<string> All() =>
        Directory.EnumerateFiles(SharedFixtures.Path("fixtures", "messages"), "*.json").Select(System.IO.Path.GetFileName)!;
}
