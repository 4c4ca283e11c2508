namespace SaltApiBridge.Tests.Salt.Events;

/// <summary>Hands out clients over one handler (the test's salt-api event stream).</summary>
internal sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
}
