namespace SaltApiBridge.AutoScaling;

/// <summary>
/// Signs every request with SigV4 just before it is sent. It sits inside the retry handler, so each attempt gets a
/// fresh X-Amz-Date (AWS rejects signatures older than 5 minutes) and, after a refresh, fresh credentials.
/// Signs host and the x-amz-* headers only, so nothing a later handler or the transport adjusts can break it.
/// </summary>
internal sealed class SigV4SigningHandler(
    IAwsCredentialsSource credentialsSource, string region, string service, TimeProvider timeProvider) : DelegatingHandler
{
    private const string DateHeader = "X-Amz-Date";
    private const string TokenHeader = "X-Amz-Security-Token";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI to sign.");
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var credentials = await credentialsSource.GetCredentialsAsync(cancellationToken);

        // A retry resends the same message: drop the previous attempt's signature first.
        request.Headers.Remove(DateHeader);
        request.Headers.Remove(TokenHeader);
        request.Headers.Authorization = null;

        var toSign = request.Headers
            .Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Select(v => KeyValuePair.Create(h.Key, v)))
            .ToList();
        var signature = SigV4Signer.Sign(
            new SigV4Request(request.Method, uri, toSign, body), credentials, region, service, timeProvider.GetUtcNow());

        request.Headers.TryAddWithoutValidation(DateHeader, signature.AmzDate);
        if (credentials.UseToken)
        {
            request.Headers.TryAddWithoutValidation(TokenHeader, credentials.Token);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
        return await base.SendAsync(request, cancellationToken);
    }
}
