using System.Text.Json;

namespace SaltApiBridge.Lifecycle;

/// <summary>
/// Reads string fields of one JSON object by name, remembering the first problem (missing or wrongly typed)
/// so a parser can read every field and then report one clear reason.
/// </summary>
internal struct FieldReader(JsonElement element)
{
    public string? Problem { get; private set; }

    public string? Required(string name)
    {
        var value = Read(name, required: true);
        if (value is not null && value.Length == 0)
            Problem ??= $"field {name} is empty";
        return value;
    }

    public string? Optional(string name) => Read(name, required: false);

    private string? Read(string name, bool required)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
                Problem ??= $"field {name} is missing";
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Problem ??= $"field {name} must be a string, got {value.ValueKind.ToString().ToLowerInvariant()}";
            return null;
        }

        return value.GetString();
    }
}
