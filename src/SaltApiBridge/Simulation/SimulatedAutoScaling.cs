using System.Collections.Concurrent;
using System.Net;
using System.Text;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Simulation;

/// <summary>
/// The Auto Scaling Query API on a loopback port (demo, benchmarks, end-to-end tests): answers CompleteLifecycleAction and RecordLifecycleActionHeartbeat
/// with AWS's success XML, or with "No active Lifecycle Action found" once an action was completed (as AWS does).
/// Records each call's form and whether it was signed.
/// </summary>
internal sealed class SimulatedAutoScaling : IAsyncDisposable
{
    private readonly ConcurrentQueue<AutoScalingCall> calls = new();
    private readonly ConcurrentDictionary<string, byte> completed = new();
    private readonly WireMockServer server;

    public SimulatedAutoScaling(int port = 0)
    {
        server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{(port == 0 ? LoopbackPort.Free() : port)}"] });
        server.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithCallback(Answer));
    }

    public string Url => server.Url!;

    public IReadOnlyList<AutoScalingCall> Calls => [.. calls];

    public IReadOnlyList<AutoScalingCall> Completions => [.. Calls.Where(c => c.Action == "CompleteLifecycleAction")];

    /// <summary>Called before each request is answered; a non-null reply replaces the simulated one (fault injection).</summary>
    public Func<IRequestMessage, IResponseMessage?>? Interceptor { get; set; }

    /// <summary>Raised for each recorded call (progress views).</summary>
    public event Action<AutoScalingCall>? Called;

    public ValueTask DisposeAsync()
    {
        server.Stop();
        server.Dispose();
        return ValueTask.CompletedTask;
    }

    private IResponseMessage Answer(IRequestMessage request)
    {
        if (Interceptor?.Invoke(request) is { } replaced)
            return replaced;

        var form = (request.Body ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => WebUtility.UrlDecode(kv[0]), kv => WebUtility.UrlDecode(kv.ElementAtOrDefault(1) ?? ""));
        var authorization = request.Headers?.FirstOrDefault(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        var call = new AutoScalingCall(
            form.GetValueOrDefault("Action", ""),
            form.GetValueOrDefault("AutoScalingGroupName", ""),
            form.GetValueOrDefault("LifecycleHookName", ""),
            form.GetValueOrDefault("InstanceId"),
            form.GetValueOrDefault("LifecycleActionToken"),
            form.GetValueOrDefault("LifecycleActionResult"),
            authorization?.StartsWith("AWS4-HMAC-SHA256 Credential=", StringComparison.Ordinal) == true);
        calls.Enqueue(call);
        Called?.Invoke(call);

        var identity = $"{call.Group}/{call.Hook}/{call.Token ?? call.InstanceId}";
        var gone = call.Action == "CompleteLifecycleAction" ? !completed.TryAdd(identity, 0) : completed.ContainsKey(identity);
        return gone
            ? Xml(400, $"""<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>No active Lifecycle Action found with token {WebUtility.HtmlEncode(call.Token ?? call.InstanceId)}</Message></Error><RequestId>{Guid.NewGuid()}</RequestId></ErrorResponse>""")
            : Xml(200, $"""<{call.Action}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><{call.Action}Result/><ResponseMetadata><RequestId>{Guid.NewGuid()}</RequestId></ResponseMetadata></{call.Action}Response>""");
    }

    private static ResponseMessage Xml(int status, string body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        response.AddHeader("Content-Type", "text/xml");
        response.AddHeader("x-amzn-RequestId", Guid.NewGuid().ToString());
        return response;
    }
}
