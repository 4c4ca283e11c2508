namespace SaltApiBridge.Salt;

/// <summary>
/// One more master's salt-api (<c>SaltApi:Masters:&lt;name&gt;</c>). Every other setting (timeouts, retries, the event
/// stream) is the <c>SaltApi</c> section's. A salt-api that is not on this host is reached only over HTTPS with a
/// certificate that verifies (against the system's trust store, or <see cref="CaCertificateFile"/>).
/// </summary>
public sealed class SaltMasterOptions
{
    public string BaseUrl { get; set; } = "";

    /// <summary>The eauth user on that master; empty: <c>SaltApi:Username</c>.</summary>
    public string? Username { get; set; }

    /// <summary>Set this or <see cref="PasswordFile"/>, not both.</summary>
    public string? Password { get; set; }

    public string? PasswordFile { get; set; }

    /// <summary>The eauth module on that master; empty: <c>SaltApi:Eauth</c>.</summary>
    public string? Eauth { get; set; }

    /// <summary>A PEM file of the CA(s) that sign that salt-api's certificate, when it is not in the system's store.</summary>
    public string? CaCertificateFile { get; set; }
}
