using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SaltApiBridge.Simulation;

/// <summary>
/// JSON as Salt's Python writes it (<c>json.dumps</c>): one line, <c>", "</c> and <c>": "</c> separators, keys in
/// insertion order — the wire format of every transcript.
/// </summary>
internal static class PythonJson
{
    public static string Write(JsonNode? node)
    {
        var text = new StringBuilder();
        Append(text, node);
        return text.ToString();
    }

    private static void Append(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                        text.Append(", ");
                    first = false;
                    text.Append(Quote(key)).Append(": ");
                    Append(text, value);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        text.Append(", ");
                    Append(text, array[i]);
                }

                text.Append(']');
                break;
            case JsonValue value when value.TryGetValue<string>(out var s):
                text.Append(Quote(s));
                break;
            default:
                // Numbers, true, false: the same text in both writers.
                text.Append(node.ToJsonString());
                break;
        }
    }

    private static string Quote(string text) => "\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value + "\"";
}
