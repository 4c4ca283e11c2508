namespace SaltApiBridge.Salt;

/// <summary>How the configured masters share minion keys (<c>SaltApi:Topology</c>).</summary>
public enum SaltTopology
{
    /// <summary>One master: the bridge's behaviour before multi-master.</summary>
    OneMaster,

    /// <summary>
    /// Hot/hot with separate pki: each master keeps its own keys, the minion talks to every master. A launch's key must
    /// be pending on every master with one fingerprint, and is accepted on each.
    /// </summary>
    Hot,

    /// <summary>The masters share <c>pki/master/minions*</c>: the key is accepted once and confirmed from every master.</summary>
    SharedPki,

    /// <summary><c>master_type: failover</c>: the minion talks to one master at a time; its key is accepted where it is pending.</summary>
    Failover,
}
