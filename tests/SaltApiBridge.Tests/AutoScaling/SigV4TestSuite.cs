using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SaltApiBridge.Tests.Fixtures;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>AWS's Signature V4 test suite from fixtures/sigv4, one <see cref="Vector"/> per test.</summary>
internal static class SigV4TestSuite
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoFixtures.Path("sigv4", "aws-sigv4-test-suite.json"))));

    public static string Service => Config("service");

    public static string Region => Config("region");

    public static string AccessKeyId => Config("accessKeyId");

    public static string SecretAccessKey => Config("secretAccessKey");

    public static IEnumerable<string> Names =>
        Document.Value.RootElement.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("name").GetString()!);

    public static Vector Get(string name)
    {
        var test = Document.Value.RootElement.GetProperty("tests").EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == name);
        return new Vector(
            name,
            Request.Parse(test.GetProperty("req").GetString()!),
            test.GetProperty("creq").GetString()!,
            test.GetProperty("sts").GetString()!,
            test.GetProperty("authz").GetString()!);
    }

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Config(string key) => Document.Value.RootElement.GetProperty("config").GetProperty(key).GetString()!;

    internal sealed record Vector(string Name, Request Request, string CanonicalRequest, string StringToSign, string Authorization);

    /// <summary>The raw HTTP request of a vector: request line, headers in order, blank line, body.</summary>
    internal sealed record Request(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
    {
        public string Host => Header("Host")!;

        public DateTimeOffset Date => DateTimeOffset.ParseExact(
            Header("X-Amz-Date")!, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        public string? Header(string name) =>
            Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

        public static Request Parse(string raw)
        {
            var blank = raw.IndexOf("\n\n", StringComparison.Ordinal);
            var head = blank < 0 ? raw : raw[..blank];
            var body = blank < 0 ? string.Empty : raw[(blank + 2)..];
            var lines = head.Split('\n');
            var requestLine = lines[0].Split(' ');
            var headers = lines.Skip(1)
                .Select(line => line.Split(':', 2))
                .Select(parts => KeyValuePair.Create(parts[0], parts[1]))
                .ToList();
            return new Request(requestLine[0], requestLine[1], headers, body);
        }
    }
}
