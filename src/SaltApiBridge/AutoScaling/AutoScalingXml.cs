using System.Xml;
using System.Xml.Linq;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Reads the Query API's XML answers by local name, so the namespace (which AWS versions) does not matter.
/// XDocument.Parse refuses DTDs, so a hostile body cannot expand entities.
/// </summary>
internal static class AutoScalingXml
{
    /// <summary>True when <paramref name="body"/> is the {action}Response document; gives its RequestId.</summary>
    public static bool TryParseSuccess(string body, string action, out string? requestId)
    {
        requestId = null;
        var root = Parse(body);
        if (root is null || root.Name.LocalName != action + "Response")
        {
            return false;
        }

        requestId = Child(Child(root, "ResponseMetadata"), "RequestId")?.Value;
        return true;
    }

    /// <summary>The error in an ErrorResponse document, or null when the body is not one.</summary>
    public static AutoScalingError? TryParseError(string body)
    {
        var root = Parse(body);
        if (root is null || root.Name.LocalName != "ErrorResponse")
        {
            return null;
        }

        var error = Child(root, "Error");
        var code = Child(error, "Code")?.Value;
        if (string.IsNullOrEmpty(code))
        {
            return null;
        }

        return new AutoScalingError(
            Child(error, "Type")?.Value, code, Child(error, "Message")?.Value ?? string.Empty, Child(root, "RequestId")?.Value);
    }

    private static XElement? Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return XDocument.Parse(body).Root;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(e => e.Name.LocalName == localName);
}
