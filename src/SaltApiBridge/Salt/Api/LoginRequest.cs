using System.Text.Json.Serialization;

namespace SaltApiBridge.Salt.Api;

/// <summary>The body of <c>POST /login</c>.</summary>
internal sealed record LoginRequest(
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("password")] string Password,
    [property: JsonPropertyName("eauth")] string Eauth)
{
    // A record prints every property; this one must never print the password.
    public override string ToString() => $"LoginRequest {{ Username = {Username}, Eauth = {Eauth} }}";
}
