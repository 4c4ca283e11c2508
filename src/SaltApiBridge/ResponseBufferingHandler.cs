namespace SaltApiBridge;

/// <summary>
/// Reads each reply's body inside the HTTP pipeline, below the per-attempt timeout and the retries. Refit and the
/// callers read bodies after the pipeline has returned, where nothing bounds them: a reply that stalls after its
/// headers would hold an instance's work (and its lifecycle action) until shutdown, and a connection reset mid-body
/// would look like a malformed reply instead of a transient failure worth another attempt.
/// </summary>
internal sealed class ResponseBufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
