using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Benchmarks.Harness;

/// <summary>
/// A loopback pass-through in front of dynalite that counts every request by its DynamoDB operation (the
/// <c>X-Amz-Target</c> header): what the table is asked, SDK retries included, whoever asks it. Bodies and headers
/// go through unchanged (the SDK checks the reply's CRC32; dynalite does not check signatures).
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase) { "Host", "Content-Length", "Transfer-Encoding", "Connection" };

    private readonly WebApplication app;
    private readonly HttpClient client = new();
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    private CountingProxy(WebApplication app) => this.app = app;

    public string Url => app.Urls.First();

    /// <summary>Requests so far by operation (GetItem, UpdateItem, Query, …).</summary>
    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(counts, StringComparer.Ordinal);

    public static async Task<CountingProxy> StartAsync(string target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var proxy = new CountingProxy(builder.Build());
        proxy.app.Run(context => proxy.ForwardAsync(context, target.TrimEnd('/')));
        await proxy.app.StartAsync();
        return proxy;
    }

    /// <summary>What was asked between two snapshots of <see cref="Counts"/>.</summary>
    public static Dictionary<string, long> Since(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after) =>
        after.Select(a => (a.Key, Value: a.Value - before.GetValueOrDefault(a.Key))).Where(a => a.Value > 0).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        client.Dispose();
    }

    private async Task ForwardAsync(HttpContext context, string target)
    {
        var operation = context.Request.Headers["X-Amz-Target"].ToString();
        counts.AddOrUpdate(operation[(operation.IndexOf('.', StringComparison.Ordinal) + 1)..], 1, (_, n) => n + 1);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target + context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        foreach (var (name, values) in context.Request.Headers.Where(h => !NotForwarded.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }

        using var response = await client.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !NotForwarded.Contains(h.Key)))
            context.Response.Headers[name] = values.ToArray();
        var reply = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        await context.Response.Body.WriteAsync(reply, context.RequestAborted);
    }
}
