namespace SaltApiBridge.AutoScaling;

/// <summary>
/// What SigV4 signs of an HTTP request. <see cref="Headers"/> are the headers to sign besides host, x-amz-date and
/// x-amz-security-token, which <see cref="SigV4Signer"/> always adds itself; repeated names keep their order.
/// </summary>
internal sealed record SigV4Request(
    HttpMethod Method,
    Uri Uri,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body);
