namespace SaltApiBridge.Tests.Salt;

/// <summary>
/// Counts HTTP attempts below the resilience handler (one per retry), including attempts that never reach a
/// server, which WireMock's request log cannot show.
/// </summary>
internal sealed class AttemptCounter
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(AttemptCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter._attempts);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
