using System.Collections.Concurrent;
using System.Net;
using System.Web;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Tests.AutoScaling;

/// <summary>
/// A local STS on loopback answering AssumeRole and AssumeRoleWithWebIdentity in STS's Query/XML wire format, so the
/// SDK's assume-role and web identity providers run for real against it (AWS_ENDPOINT_URL_STS).
/// </summary>
internal sealed class StsStandIn : IAsyncDisposable
{
    public const string AccessKeyId = "ASIASTANDIN000000001";

    private readonly HttpListener listener = new();
    private readonly Task serving;

    public StsStandIn()
    {
        var port = LoopbackPort.Free();
        Url = $"http://127.0.0.1:{port}/";
        listener.Prefixes.Add(Url);
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>Each request: its form fields and Authorization header.</summary>
    public ConcurrentQueue<(IReadOnlyDictionary<string, string> Form, string? Authorization)> Requests { get; } = new();

    /// <summary>When set, every request fails with this HTTP status (an STS outage).</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>How long the credentials it hands out live.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var query = HttpUtility.ParseQueryString(await reader.ReadToEndAsync());
            var form = query.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => query[k] ?? "");
            Requests.Enqueue((form, context.Request.Headers["Authorization"]));
            var action = form.GetValueOrDefault("Action", "");
            var (status, body) = FailWith is { } failure
                ? ((int)failure, Error("ServiceUnavailable", "the stand-in is down"))
                : action is "AssumeRole" or "AssumeRoleWithWebIdentity"
                    ? (200, Success(action))
                    : (400, Error("InvalidAction", "not served: " + action));
            context.Response.StatusCode = status;
            context.Response.ContentType = "text/xml";
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private string Success(string action) => $"""
        <{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <{action}Result>
            <Credentials>
              <AccessKeyId>{AccessKeyId}</AccessKeyId>
              <SecretAccessKey>standInSecretKey/abcdefghijklmnopqrstuvw</SecretAccessKey>
              <SessionToken>standInSessionToken</SessionToken>
              <Expiration>{DateTime.UtcNow.Add(Lifetime):yyyy-MM-ddTHH:mm:ssZ}</Expiration>
            </Credentials>
            <AssumedRoleUser>
              <AssumedRoleId>AROASTANDIN:saltapibridge</AssumedRoleId>
              <Arn>arn:aws:sts::123456789012:assumed-role/saltapibridge/saltapibridge</Arn>
            </AssumedRoleUser>
          </{action}Result>
          <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId></ResponseMetadata>
        </{action}Response>
        """;

    private static string Error(string code, string message) => $"""
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>
          <RequestId>00000000-0000-0000-0000-000000000002</RequestId>
        </ErrorResponse>
        """;

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await serving;
    }
}
