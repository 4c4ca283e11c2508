using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace SaltApiBridge.Simulation;

/// <summary>
/// The minion side that one or several <see cref="SimulatedSaltApi"/> masters share (Salt 3006 multi-master). Per
/// minion it holds what the machine has once, whichever master it talks to: its key pair (one fingerprint everywhere,
/// unless <see cref="HoldForeignKey"/> gives one master another machine's key under that id), its boot (the first key
/// lookup on ANY master starts the clock; after <see cref="KeyArrivalDelay"/> its key arrives as pending on every master
/// it talks to), the state run it runs (a second one under a new jid is refused, whichever master published either:
/// fixture 49) and how many state runs it started. Each master keeps its own keys (unless <see cref="MinionTopology.SharedPki"/>),
/// job cache, jids, calls and event bus; the minion keeps one seen-jid queue per master connection, so a jid
/// republished through the same master runs once and through another master runs again.
/// <para>A <see cref="SimulatedSaltApi"/> made without one has its own private instance: one master, as before.</para>
/// </summary>
internal sealed class SimulatedMinions : IDisposable
{
    private static readonly Lazy<string> CapturedMasterFingerprint = new(() =>
        JsonNode.Parse(CapturedReply.Load("56").Body)!["return"]![0]!["data"]!["return"]!["local"]!["master.pub"]!.GetValue<string>());

    private readonly Lock attaching = new();
    private readonly ConcurrentDictionary<string, string>? sharedKeys;
    private readonly ConcurrentDictionary<string, DateTimeOffset> firstLookups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedSaltApi> connectedTo = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(SimulatedSaltApi Master, string MinionId), bool> foreignKeys = new();
    private readonly ConcurrentDictionary<string, bool> terminated = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SimulatedJob>> running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> stateRunsStarted = new(StringComparer.Ordinal);
    private readonly Dictionary<(string MinionId, string Function), int> stateRunsByFunction = [];
    private readonly ConcurrentBag<ITimer> timers = [];
    private SimulatedSaltApi[] masters = [];

    public SimulatedMinions(MinionTopology topology = MinionTopology.Hot, TimeProvider? timeProvider = null)
    {
        Topology = topology;
        Time = timeProvider ?? TimeProvider.System;
        if (topology == MinionTopology.SharedPki)
            sharedKeys = new(StringComparer.Ordinal);
    }

    public MinionTopology Topology { get; }

    /// <summary>The clock of every master made over these minions.</summary>
    public TimeProvider Time { get; }

    /// <summary>The masters made over these minions, in the order they were made (the failover list).</summary>
    public IReadOnlyList<SimulatedSaltApi> Masters => Volatile.Read(ref masters);

    /// <summary>How long after its first lookup (on any master) a minion's key shows up as pending (the instance is still booting).</summary>
    public Func<string, TimeSpan> KeyArrivalDelay { get; set; } = _ => TimeSpan.Zero;

    /// <summary>What wheel <c>key.finger_master</c> answers on every master here (they share <c>master.pem</c>); fixture 56's value by default.</summary>
    public string MasterFingerprint { get; set; } = CapturedMasterFingerprint.Value;

    /// <summary>Guards the minions' jid queues and state runs, and each master's publish records, across masters.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>The fingerprint of the minion's own key: 32 bytes of colon hex (sha256, as fixture 55), stable per id.</summary>
    public static string Fingerprint(string minionId) => ColonHex("minion key of " + minionId);

    /// <summary>The fingerprint <paramref name="master"/> holds for the id: the minion's own, or another machine's (<see cref="HoldForeignKey"/>).</summary>
    public string FingerprintOn(SimulatedSaltApi master, string minionId) =>
        foreignKeys.ContainsKey((master, minionId)) ? ColonHex("another machine's key of " + minionId) : Fingerprint(minionId);

    /// <summary>
    /// <paramref name="master"/> holds another machine's key under <paramref name="minionId"/> (a reused id, a stale key):
    /// its <c>key.finger</c> shows a different fingerprint there than on the other masters. Not with shared pki (one key file).
    /// </summary>
    public void HoldForeignKey(SimulatedSaltApi master, string minionId)
    {
        ArgumentNullException.ThrowIfNull(master);
        if (sharedKeys is not null)
            throw new InvalidOperationException("with shared pki every master reads the same key file");
        foreignKeys[(master, minionId)] = true;
    }

    /// <summary>
    /// Whether the minion talks to <paramref name="master"/>: every master, or with failover the one it is connected to;
    /// none once <see cref="Terminate">terminated</see>.
    /// </summary>
    public bool TalksTo(string minionId, SimulatedSaltApi master) =>
        !terminated.ContainsKey(minionId) && (Topology != MinionTopology.Failover || ConnectedMaster(minionId) == master);

    /// <summary>
    /// The instance is gone: the minion talks to no master any more. Its keys stay where they are until deleted, but
    /// no key of it arrives again (a lookup after the delete finds nothing), it stops retrying authentication, a ping
    /// gets <c>{id: false}</c> (33) and a job published to it never returns (34).
    /// </summary>
    public void Terminate(string minionId) => terminated[minionId] = true;

    /// <summary>
    /// Failover: the master the minion talks to, fixed the first time it is asked (at the latest when its key arrives):
    /// the first master of <see cref="Masters"/> that is up (the first when none is). Other topologies: null (all of them).
    /// </summary>
    public SimulatedSaltApi? ConnectedMaster(string minionId)
    {
        if (Topology != MinionTopology.Failover)
            return null;
        return connectedTo.GetOrAdd(minionId, _ =>
        {
            var list = Masters;
            return list.FirstOrDefault(m => m.IsUp) ?? list[0];
        });
    }

    /// <summary>
    /// Failover: the minion leaves its master for <paramref name="master"/> (its old master stopped answering). Once
    /// booted, its key arrives there as pending (when that master has none), or, accepted there, it connects: the
    /// master sees salt/auth accept and the start events after its minion start delay.
    /// </summary>
    public void FailOver(string minionId, SimulatedSaltApi master)
    {
        ArgumentNullException.ThrowIfNull(master);
        if (Topology != MinionTopology.Failover)
            throw new InvalidOperationException($"the minions talk to every master ({Topology})");
        if (!Masters.Contains(master))
            throw new ArgumentException("not a master of these minions", nameof(master));
        connectedTo[minionId] = master;
        if (!HasBooted(minionId))
            return;
        switch (master.KeyOf(minionId))
        {
            case null:
                master.KeyArrives(minionId);
                break;
            case "minions_pre":
                master.RetryAuthentication(minionId);
                break;
            case "minions":
                master.Connect(minionId);
                break;
        }
    }

    /// <summary>Whether the minion has booted far enough to have sent its key (its first lookup was at least its <see cref="KeyArrivalDelay"/> ago).</summary>
    public bool HasBooted(string minionId) =>
        firstLookups.TryGetValue(minionId, out var first) && Time.GetUtcNow() >= first + KeyArrivalDelay(minionId);

    /// <summary>State runs the minion actually started, through any master (refused and repeated publishes not counted).</summary>
    public int StateRunsStarted(string minionId)
    {
        lock (Gate)
            return stateRunsStarted.GetValueOrDefault(minionId);
    }

    /// <summary>State runs of one function (<c>state.highstate</c>, <c>state.sls</c>) the minion actually started, through any master.</summary>
    public int StateRunsStarted(string minionId, string function)
    {
        lock (Gate)
            return stateRunsByFunction.GetValueOrDefault((minionId, function));
    }

    public void Dispose()
    {
        foreach (var timer in timers)
            timer.Dispose();
    }

    /// <summary>A master made over these minions joins the list; its index (0 for the first) keeps its jids apart from the others'.</summary>
    internal int Attach(SimulatedSaltApi master)
    {
        if (master.Time != Time)
            throw new ArgumentException("a master must use the clock of its minions", nameof(master));
        lock (attaching)
        {
            // Copied on write: readers (timers, requests) walk a list that never changes under them.
            Volatile.Write(ref masters, [.. masters, master]);
            return masters.Length - 1;
        }
    }

    /// <summary>A master's key store: its own, or with shared pki the one every master reads.</summary>
    internal ConcurrentDictionary<string, string> KeyStore() => sharedKeys ?? new(StringComparer.Ordinal);

    /// <summary>
    /// Whether the minion has booted far enough to have sent its key (first lookup on any master + its arrival delay).
    /// At the first lookup of a minion still booting, its key is set to arrive on its own then, as a real minion's does:
    /// a bridge that listens to the bus instead of polling sees its salt/auth.
    /// </summary>
    internal bool Booted(string minionId)
    {
        var now = Time.GetUtcNow();
        var firstSeen = firstLookups.GetOrAdd(minionId, now);
        var due = firstSeen + KeyArrivalDelay(minionId) - now;
        if (due > TimeSpan.Zero && firstSeen == now)
        {
            timers.After(Time, due, () => Arrive(minionId));
        }

        return due <= TimeSpan.Zero;
    }

    /// <summary>The booted minion's key shows up as pending on every master it talks to that has no key for it yet.</summary>
    internal void Arrive(string minionId)
    {
        if (terminated.ContainsKey(minionId))
            return;
        if (sharedKeys is not null)
        {
            // One key file: written once; every master sees the minion retry authentication.
            if (sharedKeys.TryAdd(minionId, "minions_pre"))
            {
                foreach (var master in Masters)
                    master.RetryAuthentication(minionId);
            }

            return;
        }

        foreach (var master in Masters.Where(m => TalksTo(minionId, m)))
            master.KeyArrives(minionId);
    }

    /// <summary>Shared pki: a key accepted through <paramref name="by"/> is accepted on every master, and the minion connects to each.</summary>
    internal void AcceptedThrough(SimulatedSaltApi by, string minionId)
    {
        if (sharedKeys is null)
            return;
        foreach (var master in Masters.Where(m => m != by && TalksTo(minionId, m)))
            master.Connect(minionId);
    }

    /// <summary>Shared pki: a key deleted through <paramref name="by"/> is gone on every master; the minion is no longer connected to any.</summary>
    internal void DeletedThrough(SimulatedSaltApi by, string minionId)
    {
        if (sharedKeys is null)
            return;
        foreach (var master in Masters.Where(m => m != by))
            master.Disconnect(minionId);
    }

    /// <summary>The state run running on the minion, published through any master; null when none runs. Call under <see cref="Gate"/>.</summary>
    internal SimulatedJob? RunningStateRun(string minionId)
    {
        if (!running.TryGetValue(minionId, out var runs))
            return null;
        runs.RemoveAll(j => j.Finished);
        return runs.MinBy(j => j.StartedAt);
    }

    /// <summary>The minion started <paramref name="job"/>, a state run. Call under <see cref="Gate"/>.</summary>
    internal void Started(SimulatedJob job)
    {
        (running.TryGetValue(job.MinionId, out var runs) ? runs : running[job.MinionId] = []).Add(job);
        stateRunsStarted[job.MinionId] = stateRunsStarted.GetValueOrDefault(job.MinionId) + 1;
        stateRunsByFunction[(job.MinionId, job.Fun)] = stateRunsByFunction.GetValueOrDefault((job.MinionId, job.Fun)) + 1;
    }

    private static string ColonHex(string seed) =>
        string.Join(':', SHA256.HashData(Encoding.UTF8.GetBytes(seed)).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
}
