namespace SaltApiBridge.AutoScaling;

/// <summary>
/// The result of signing, with the intermediate strings so tests can compare them with AWS's published vectors.
/// The canonical request contains the session token, so <see cref="ToString"/> leaves it out: never log the parts.
/// </summary>
internal sealed record SigV4Signature(
    string AmzDate,
    string CredentialScope,
    string SignedHeaders,
    string CanonicalRequest,
    string StringToSign,
    string Signature,
    string Authorization)
{
    public override string ToString() => $"SigV4Signature {{ AmzDate = {AmzDate}, CredentialScope = {CredentialScope}, SignedHeaders = {SignedHeaders} }}";
}
