namespace SaltApiBridge.Salt;

/// <summary>A salt-api token and when to renew it. Deliberately a class whose ToString hides the value.</summary>
internal sealed class SaltApiToken(string value, DateTimeOffset renewAt)
{
    public string Value { get; } = value;

    public DateTimeOffset RenewAt { get; } = renewAt;

    public override string ToString() => $"salt-api token (renew at {RenewAt:O})";
}
