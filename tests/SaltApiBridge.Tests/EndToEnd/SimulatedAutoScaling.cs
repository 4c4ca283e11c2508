using System.Collections.Concurrent;
using System.Net;
using System.Text;
using SaltApiBridge.Tests.AutoScaling;
using SaltApiBridge.Tests.Fixtures;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace SaltApiBridge.Tests.EndToEnd;

/// <summary>
/// The Auto Scaling Query API on a loopback port: answers CompleteLifecycleAction and RecordLifecycleActionHeartbeat
/// with AWS's success XML, or with "No active Lifecycle Action found" once an action was completed (as AWS does).
/// Records each call's form and whether it was signed.
/// </summary>
internal sealed class SimulatedAutoScaling : IAsyncDisposable
{
    private readonly ConcurrentQueue<AutoScalingCall> calls = new();
    private readonly ConcurrentDictionary<string, byte> completed = new();
    private readonly WireMockServer server;

    public SimulatedAutoScaling()
    {
        server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{LoopbackPort.Free()}"] });
        server.Given(Request.Create().WithPath("/").UsingPost()).RespondWith(Response.Create().WithCallback(Answer));
    }

    public string Url => server.Url!;

    public IReadOnlyList<AutoScalingCall> Calls => [.. calls];

    public IReadOnlyList<AutoScalingCall> Completions => [.. Calls.Where(c => c.Action == "CompleteLifecycleAction")];

    public ValueTask DisposeAsync()
    {
        server.Stop();
        server.Dispose();
        return ValueTask.CompletedTask;
    }

    private ResponseMessage Answer(IRequestMessage request)
    {
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

        var identity = $"{call.Group}/{call.Hook}/{call.Token ?? call.InstanceId}";
        var gone = call.Action == "CompleteLifecycleAction" ? !completed.TryAdd(identity, 0) : completed.ContainsKey(identity);
        return gone
            ? Xml(400, QueryApiHarness.Error("ValidationError", $"No active Lifecycle Action found with token {call.Token}"))
            : Xml(200, QueryApiHarness.Success(call.Action));
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
