namespace SaltApiBridge.Salt.Api;

internal static class SaltApiHeaders
{
    public const string AuthToken = "X-Auth-Token";
}
