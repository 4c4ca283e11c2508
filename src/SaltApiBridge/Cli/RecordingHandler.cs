using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SaltApiBridge.Cli;

/// <summary>
/// The innermost handler of every client <c>replay</c> builds: sees each request exactly as it goes on the wire
/// (signed, with the token) and records it with the secrets masked — the salt-api password and token, the AWS access
/// key, signature and session token.
/// </summary>
internal sealed partial class RecordingHandler(ConcurrentQueue<RecordedCall> calls, Action<RecordedCall>? onCall) : DelegatingHandler
{
    private const string Masked = "***";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = new List<string>();
        foreach (var (name, values) in request.Headers)
        {
            var value = string.Join(", ", values);
            if (name.Equals("X-Auth-Token", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Amz-Security-Token", StringComparison.OrdinalIgnoreCase))
                headers.Add($"{name}: {Masked}");
            else if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                headers.Add($"{name}: {MaskSignature(value)}");
            else if (name.Equals("X-Amz-Date", StringComparison.OrdinalIgnoreCase))
                headers.Add($"{name}: {value}");
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch
        {
            Record(new RecordedCall(request.Method.Method, request.RequestUri!, headers, MaskBody(body), null));
            throw;
        }

        Record(new RecordedCall(request.Method.Method, request.RequestUri!, headers, MaskBody(body), (int)response.StatusCode));
        return response;
    }

    private void Record(RecordedCall call)
    {
        calls.Enqueue(call);
        onCall?.Invoke(call);
    }

    /// <summary>Keeps the credential scope and signed headers (they show what was signed); masks key id and signature.</summary>
    private static string MaskSignature(string value) =>
        Signature().Replace(AccessKey().Replace(value, "Credential=" + Masked + "/"), "Signature=" + Masked);

    private static string MaskBody(string body)
    {
        if (!body.Contains("\"password\"", StringComparison.Ordinal))
            return body;
        try
        {
            if (JsonNode.Parse(body) is JsonObject login && login.ContainsKey("password"))
            {
                login["password"] = Masked;
                return login.ToJsonString();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return Masked;
    }

    [GeneratedRegex("Credential=[^/]+/")]
    private static partial Regex AccessKey();

    [GeneratedRegex("Signature=[0-9a-f]+")]
    private static partial Regex Signature();
}
