namespace SaltApiBridge.Hosting;

/// <summary>Where /healthz, /readyz and /metrics are served (configuration section "Health").</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>Kestrel URLs, separated by ';'; loopback unless <see cref="AllowRemote"/>; port 0 picks a free one.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:9464";

    /// <summary>Allows a non-loopback address (for a scraper on another host; the endpoints carry no secrets).</summary>
    public bool AllowRemote { get; set; }

    /// <summary>How long a /readyz verdict is reused, so frequent probes cost SQS and salt-api one call each per period.</summary>
    public TimeSpan ReadinessCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
