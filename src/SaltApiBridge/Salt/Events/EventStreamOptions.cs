namespace SaltApiBridge.Salt.Events;

/// <summary>The salt-api event stream (<c>GET /events</c>). Bound from <c>SaltApi:EventStream</c>.</summary>
public sealed class EventStreamOptions
{
    /// <summary>Listen to the master's event bus; off, every wait polls as before.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>After this long without any event, the stream fires its own probe event to prove it still delivers.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the probe (and the first one after each connect) may take to come back before reconnecting.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The limit for opening the stream (until salt-api's response headers).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before reconnecting; later ones double up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While the stream is proven, a job still waited for is looked up (<c>GET /jobs</c>) this often anyway: a return
    /// event lost on a stream that looks healthy costs this long, not <c>SaltApi:JobTimeout</c>; a key still
    /// awaited is looked up as often. Longer than most state runs, so most jobs are never polled.
    /// </summary>
    public TimeSpan SafetyPollInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most of one wanted event's data kept in memory. A job return past it is read with one <c>GET /jobs</c>
    /// instead; unwanted events are never kept at all.
    /// </summary>
    public int MaxEventBytes { get; set; } = 1024 * 1024;
}
