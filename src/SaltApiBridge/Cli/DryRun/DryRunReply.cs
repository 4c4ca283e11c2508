using System.Net;
using System.Text;

namespace SaltApiBridge.Cli.DryRun;

/// <summary>One answer of the dry run's stand-in endpoints: status, content type and body text.</summary>
internal sealed record DryRunReply(HttpStatusCode Status, string ContentType, string Body)
{
    public static DryRunReply Json(string body) => new(HttpStatusCode.OK, "application/json", body);

    public static DryRunReply Xml(string body) => new(HttpStatusCode.OK, "text/xml", body);

    public HttpResponseMessage ToResponse(HttpRequestMessage request) => new(Status)
    {
        RequestMessage = request,
        Content = new StringContent(Body, Encoding.UTF8, ContentType),
    };
}
