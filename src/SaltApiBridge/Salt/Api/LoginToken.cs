using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary><c>return[0]</c> of <c>POST /login</c>. <c>start</c> and <c>expire</c> are Unix epoch seconds (floats).</summary>
internal sealed record LoginToken(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("expire")] double Expire,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("user")] string? User,
    [property: JsonPropertyName("eauth")] string? Eauth)
{
    // A record prints every property; this one must never print the token.
    public override string ToString() => $"LoginToken {{ User = {User}, Eauth = {Eauth}, Start = {Start}, Expire = {Expire} }}";
}
