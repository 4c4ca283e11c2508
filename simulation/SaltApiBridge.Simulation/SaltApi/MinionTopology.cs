namespace SaltApiBridge.Simulation;

/// <summary>How the simulated minions of one <see cref="SimulatedMinions"/> reach its masters (Salt 3006 multi-master).</summary>
internal enum MinionTopology
{
    /// <summary>Hot/hot, separate pki: each minion talks to every master, its key is pending on each, each master accepts on its own.</summary>
    Hot,

    /// <summary>
    /// Hot/hot sharing <c>pki/master/minions*</c>: one key store for every master; an accept or delete on one is seen
    /// from all (its <c>salt/key</c> event only on the master that did it), and the minion then connects to all.
    /// </summary>
    SharedPki,

    /// <summary>
    /// <c>master_type: failover</c>: each minion talks to one master at a time, the first of the list that is up when
    /// its key arrives, until <see cref="SimulatedMinions.FailOver"/> moves it.
    /// </summary>
    Failover,
}
