using System.Net;
using System.Text.RegularExpressions;

namespace SaltApiBridge.Salt;

/// <summary>
/// Reads the message out of CherryPy's HTML error page (every 400/401 of salt-api): it sits in the
/// <c>&lt;p&gt;</c> after <c>&lt;h2&gt;401 Unauthorized&lt;/h2&gt;</c>. Never JSON: the page is text/html.
/// </summary>
internal static partial class HtmlErrorPage
{
    private const int MaxLength = 300;

    public static string? Message(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        var match = Paragraph().Match(body);
        var text = match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : body;
        text = Whitespace().Replace(text, " ").Trim();
        if (text.Length == 0 || (!match.Success && text.StartsWith('<')))
        {
            return null;
        }

        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }

    [GeneratedRegex(@"<p>(.*?)</p>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Paragraph();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
