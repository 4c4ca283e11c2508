namespace SaltApiBridge.Tests.Salt;

/// <summary>
/// Counts HTTP attempts below the resilience handler (one per retry), including attempts that never reach a
/// server, which WireMock's request log cannot show; and tells whether one is in flight right now.
/// </summary>
internal sealed class AttemptCounter
{
    private int _attempts;
    private int _inFlight;

    public int Attempts => Volatile.Read(ref _attempts);

    public bool InFlight => Volatile.Read(ref _inFlight) > 0;

    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(AttemptCounter counter) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref counter._attempts);
            Interlocked.Increment(ref counter._inFlight);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref counter._inFlight);
            }
        }
    }
}
