using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Tests.Telemetry;

/// <summary>
/// A small OTLP/HTTP collector on loopback: <c>POST /v1/traces</c> with an http/protobuf body (gzip or not), each span
/// decoded (<see cref="OtlpTraceDecoder"/>) and kept. Answers 200 with an empty ExportTraceServiceResponse.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedSpan> spans = new();
    private readonly ConcurrentQueue<string> contentTypes = new();

    private OtlpReceiver(WebApplication app) => this.app = app;

    /// <summary>The collector's base URL (the exporter adds <c>/v1/traces</c>).</summary>
    public Uri BaseUrl => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public IReadOnlyList<ReceivedSpan> Spans => [.. spans];

    public IReadOnlyList<string> ContentTypes => [.. contentTypes];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", receiver.ReceiveAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return receiver;
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        contentTypes.Enqueue(request.ContentType ?? "");
        using var body = new MemoryStream();
        if (request.Headers.ContentEncoding == "gzip")
        {
            await using var unzipped = new GZipStream(request.Body, CompressionMode.Decompress);
            await unzipped.CopyToAsync(body);
        }
        else
        {
            await request.Body.CopyToAsync(body);
        }

        foreach (var span in OtlpTraceDecoder.Decode(body.ToArray()))
            spans.Enqueue(span);
        return Results.Bytes([], "application/x-protobuf");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }
}
