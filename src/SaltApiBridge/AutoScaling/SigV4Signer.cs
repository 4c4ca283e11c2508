using System.Globalization;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;

namespace SaltApiBridge.AutoScaling;

/// <summary>
/// AWS Signature Version 4 (header signing). We build the canonical request and the string to sign here and let
/// AWSSDK.Core do the cryptography (<see cref="AWS4Signer.ComposeSigningKey"/>, <see cref="AWS4Signer.SignBlob(byte[], string)"/>,
/// <see cref="AWS4Signer.ComputeHash(byte[])"/>). AWSSDK.Core 4's public facade <c>Amazon.Runtime.Signing.AWSSigV4Signer</c>
/// would do all of it, but it always adds and signs <c>x-amz-content-sha256</c> and hides the intermediate strings,
/// so it can neither reproduce AWS's published test vectors nor show what it signed; a parity test checks that both
/// agree on the Auto Scaling request shape.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static SigV4Signature Sign(
        SigV4Request request, ImmutableCredentials credentials, string region, string service, DateTimeOffset signedAt)
    {
        var utc = signedAt.UtcDateTime;
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{region}/{service}/aws4_request";

        var headers = CanonicalHeaders(request, credentials, amzDate);
        var signedHeaders = string.Join(';', headers.Keys);
        var payloadHash = Hex(AWS4Signer.ComputeHash(request.Body));

        var canonical = new StringBuilder()
            .Append(request.Method.Method).Append('\n')
            .Append(CanonicalPath(request.Uri)).Append('\n')
            .Append(CanonicalQuery(request.Uri)).Append('\n');
        foreach (var (name, value) in headers)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        var canonicalRequest = canonical.Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(payloadHash).ToString();

        var stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(AWS4Signer.ComputeHash(canonicalRequest))}";
        var signingKey = AWS4Signer.ComposeSigningKey(credentials.SecretKey, region, date, service);
        var signature = Hex(AWS4Signer.SignBlob(signingKey, stringToSign));
        var authorization = $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new SigV4Signature(amzDate, scope, signedHeaders, canonicalRequest, stringToSign, signature, authorization);
    }

    // Lower-case names sorted ordinally; repeated headers joined with ',' in their order; values trimmed with inner
    // runs of spaces collapsed (the test suite's get-header-value-trim).
    private static SortedDictionary<string, string> CanonicalHeaders(
        SigV4Request request, ImmutableCredentials credentials, string amzDate)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Headers)
        {
            var key = name.ToLowerInvariant();
            if (key is "host" or "x-amz-date" or "x-amz-security-token")
            {
                continue;
            }

            var trimmed = TrimAll(value);
            headers[key] = headers.TryGetValue(key, out var previous) ? previous + "," + trimmed : trimmed;
        }

        headers["host"] = request.Uri.IsDefaultPort ? request.Uri.IdnHost : $"{request.Uri.IdnHost}:{request.Uri.Port}";
        headers["x-amz-date"] = amzDate;
        if (credentials.UseToken)
        {
            headers["x-amz-security-token"] = credentials.Token;
        }

        return headers;
    }

    private static string TrimAll(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value.Trim())
        {
            if (c != ' ' || builder.Length == 0 || builder[^1] != ' ')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    // Every service but S3 signs each path segment encoded once more than it travels (the wire form is already
    // encoded once). Dot segments are not normalised: the bridge only ever calls "/".
    private static string CanonicalPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (path.Length == 0)
        {
            return "/";
        }

        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    private static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return string.Empty;
        }

        var pairs = query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(part =>
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? part : part[..equals];
                var value = equals < 0 ? string.Empty : part[(equals + 1)..];
                return (Name: Encode(name), Value: Encode(value));
            })
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal);
        return string.Join('&', pairs.Select(p => $"{p.Name}={p.Value}"));
    }

    // RFC 3986: everything but unreserved characters percent-encoded with upper-case hex, which is what
    // Uri.EscapeDataString does once the wire encoding is undone.
    private static string Encode(string wire) => Uri.EscapeDataString(Uri.UnescapeDataString(wire));

    private static string Hex(byte[] bytes) => AWSSDKUtils.ToHex(bytes, true);
}
