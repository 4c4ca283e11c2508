using SaltApiBridge.Salt.Events;

namespace SaltApiBridge.Salt;

/// <summary>How the bridge reaches and uses salt-api (rest_cherrypy). Bound from the <c>SaltApi</c> section.</summary>
public sealed class SaltApiOptions
{
    public const string SectionName = "SaltApi";

    /// <summary>The name of the master <see cref="BaseUrl"/> reaches, unless <see cref="Name"/> says otherwise.</summary>
    public const string DefaultMasterName = "local";

    /// <summary>This master's name in logs, records and reconcile (the others are named by their key under <see cref="Masters"/>).</summary>
    public string Name { get; set; } = DefaultMasterName;

    /// <summary>salt-api's base URL. Must be loopback unless <see cref="AllowRemoteSaltApi"/> is set.</summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:8000";

    /// <summary>Set to reach a salt-api that is not on this host; the token then crosses the network.</summary>
    public bool AllowRemoteSaltApi { get; set; }

    /// <summary>A PEM file of the CA(s) that sign salt-api's certificate (an https <see cref="BaseUrl"/>), when not in the system's store.</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>
    /// More masters of a multi-master Salt, by name. Empty (the default): one master, behaviour as before. Each needs the
    /// bridge's least-privileged eauth user; a remote one is reached over HTTPS only.
    /// </summary>
    public IDictionary<string, SaltMasterOptions> Masters { get; } = new Dictionary<string, SaltMasterOptions>(StringComparer.Ordinal);

    /// <summary>
    /// How the masters share keys: <c>hot</c> (separate pki, the default), <c>shared-pki</c> or <c>failover</c>.
    /// Ignored with one master.
    /// </summary>
    public string Topology { get; set; } = "hot";

    /// <summary>What a launch does when a master does not answer at accept time: wait (up to <see cref="MasterDownTimeout"/>) or proceed.</summary>
    public MasterDownPolicy MasterDown { get; set; } = MasterDownPolicy.Wait;

    /// <summary>
    /// How long a launch asks a master that does not answer again (<see cref="MasterDownPolicy.Wait"/>), while looking
    /// for the key and again while accepting it. A master that answers but has no key gets <see cref="KeyWaitTimeout"/>.
    /// </summary>
    public TimeSpan MasterDownTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a key delete (or accept) owed to a master that was down is tried again.</summary>
    public TimeSpan MasterRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The settings for the master <paramref name="name"/> of <see cref="Masters"/>: these, with its own salt-api,
    /// credentials and certificate authority.
    /// </summary>
    public SaltApiOptions ForMaster(string name, SaltMasterOptions master)
    {
        ArgumentNullException.ThrowIfNull(master);
        var copy = new SaltApiOptions
        {
            Name = name,
            BaseUrl = master.BaseUrl,
            // Validated for every master of Masters: loopback, or https.
            AllowRemoteSaltApi = true,
            CaCertificateFile = master.CaCertificateFile,
            Username = string.IsNullOrWhiteSpace(master.Username) ? Username : master.Username,
            Password = master.Password,
            PasswordFile = master.PasswordFile,
            Eauth = string.IsNullOrWhiteSpace(master.Eauth) ? Eauth : master.Eauth,
            Topology = Topology,
            MasterDown = MasterDown,
            MasterDownTimeout = MasterDownTimeout,
            MasterRetryInterval = MasterRetryInterval,
            TokenRefreshMargin = TokenRefreshMargin,
            MaxConnections = MaxConnections,
            AttemptTimeout = AttemptTimeout,
            RequestTimeout = RequestTimeout,
            MaxRetries = MaxRetries,
            RetryDelay = RetryDelay,
            CircuitBreakDuration = CircuitBreakDuration,
            KeyWaitTimeout = KeyWaitTimeout,
            KeyPollInterval = KeyPollInterval,
            KeyPollMaxInterval = KeyPollMaxInterval,
            ReachableTimeout = ReachableTimeout,
            ReachablePollInterval = ReachablePollInterval,
            ReachablePollMaxInterval = ReachablePollMaxInterval,
            PingTimeoutSeconds = PingTimeoutSeconds,
            PingGatherJobTimeoutSeconds = PingGatherJobTimeoutSeconds,
            JobTimeout = JobTimeout,
            JobPollInterval = JobPollInterval,
            JobPollMaxInterval = JobPollMaxInterval,
            EventStream = EventStream,
        };
        foreach (var state in DefaultStates)
            copy.DefaultStates.Add(state);
        return copy;
    }

    /// <summary>The parsed <see cref="Topology"/>: <see cref="SaltTopology.OneMaster"/> without <see cref="Masters"/>, null when unknown.</summary>
    public SaltTopology? EffectiveTopology => Masters.Count == 0 ? SaltTopology.OneMaster : ParseTopology(Topology);

    public static SaltTopology? ParseTopology(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "hot" => SaltTopology.Hot,
        "shared-pki" => SaltTopology.SharedPki,
        "failover" => SaltTopology.Failover,
        _ => null,
    };

    public string Username { get; set; } = "";

    /// <summary>The password (or shared secret); set this or <see cref="PasswordFile"/>, not both.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the password; read at each login (so it can be rotated), trailing newline trimmed.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>The eauth module: file, pam, ldap, sharedsecret, …</summary>
    public string Eauth { get; set; } = "file";

    /// <summary>A token is renewed this long before its <c>expire</c> (capped at half its lifetime).</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Connections to salt-api at most (rest_cherrypy's thread_pool is 100 by default); calls beyond them wait.</summary>
    public int MaxConnections { get; set; } = 16;

    /// <summary>The limit for one HTTP attempt. <c>GET /jobs</c> takes 1–2 s and a short test.ping about 2.2 s on a real master.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The limit for one call including its retries.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Retries of a call that met a connection error or a 5xx (never a 4xx).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the circuit stays open after salt-api kept failing.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long AcceptKeyAsync waits for a key that has not arrived yet before answering NotYet.</summary>
    public TimeSpan KeyWaitTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan KeyPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan KeyPollMaxInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long WaitUntilReachableAsync pings; the first true came ~16.5 s after an accept on the test master.</summary>
    public TimeSpan ReachableTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan ReachablePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReachablePollMaxInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>test.ping's <c>timeout</c> and <c>gather_job_timeout</c> (seconds); the call blocks for about their sum.</summary>
    public int PingTimeoutSeconds { get; set; } = 1;

    public int PingGatherJobTimeoutSeconds { get; set; } = 1;

    /// <summary>How long a state run may take before the verdict is MinionDidNotReturn.</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The first wait before polling <c>GET /jobs/{jid}</c>; each poll costs the master 1–2 s, so waits grow.</summary>
    public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan JobPollMaxInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The event stream that ends key, reachability and job waits as the master's events arrive.</summary>
    public EventStreamOptions EventStream { get; set; } = new();

    /// <summary>
    /// The states ApplyStatesAsync runs when it is given none; empty means ["clean"]. Empty by default because the
    /// configuration binder adds to a list it finds filled: a default of ["clean"] turned [a, b] into [clean, a, b].
    /// </summary>
    public IList<string> DefaultStates { get; } = [];

    /// <summary><see cref="DefaultStates"/>, or ["clean"] when none are configured.</summary>
    public IReadOnlyList<string> EffectiveDefaultStates => DefaultStates.Count > 0 ? [.. DefaultStates] : ["clean"];
}
