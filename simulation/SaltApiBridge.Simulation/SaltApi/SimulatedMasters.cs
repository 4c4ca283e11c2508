using System.Globalization;

namespace SaltApiBridge.Simulation;

/// <summary>
/// N simulated salt-api masters (each on its own loopback port) over one <see cref="SimulatedMinions"/>: a multi-master
/// Salt for tests and the demo. Master i is named <c>master{i+1}</c>; the first is the one <c>SaltApi:BaseUrl</c>
/// reaches, the others go under <c>SaltApi:Masters</c> (<see cref="DaemonSettings"/>).
/// </summary>
internal sealed class SimulatedMasters : IAsyncDisposable
{
    public SimulatedMasters(int count, MinionTopology topology = MinionTopology.Hot, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Minions = new SimulatedMinions(topology, timeProvider);
        var masters = new List<SimulatedSaltApi>(count);
        try
        {
            for (var i = 0; i < count; i++)
                masters.Add(new SimulatedSaltApi(minions: Minions));
        }
        catch
        {
            foreach (var master in masters)
                master.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Minions.Dispose();
            throw;
        }

        Masters = masters;
    }

    public SimulatedMinions Minions { get; }

    /// <summary>The masters in order: <c>master1</c> first (the failover list's order too).</summary>
    public IReadOnlyList<SimulatedSaltApi> Masters { get; }

    /// <summary>Master names in the order of <see cref="Masters"/>: <c>master1</c>, <c>master2</c>, …</summary>
    public IReadOnlyList<string> Names => [.. Masters.Select((_, i) => NameOf(i))];

    public static string NameOf(int index) => "master" + (index + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>The master of that name (<c>master1</c>, …).</summary>
    public SimulatedSaltApi Named(string name)
    {
        var index = Names.ToList().IndexOf(name);
        return index >= 0 ? Masters[index] : throw new ArgumentException($"no master '{name}'", nameof(name));
    }

    /// <summary>The daemon's topology setting for <see cref="SimulatedMinions.Topology"/>: <c>hot</c>, <c>shared-pki</c> or <c>failover</c>.</summary>
    public string TopologySetting => Minions.Topology switch
    {
        MinionTopology.SharedPki => "shared-pki",
        MinionTopology.Failover => "failover",
        _ => "hot",
    };

    /// <summary>
    /// The daemon's configuration for these masters: <c>SaltApi:Name</c>, <c>:BaseUrl</c>, <c>:Username</c>,
    /// <c>:Password</c> and <c>:Topology</c> for its own master (the first, or <paramref name="own"/>: a daemon next to
    /// each master), <c>SaltApi:Masters:&lt;name&gt;:BaseUrl/Username/Password</c> for each other one (added over a
    /// one-master configuration, e.g. as a test daemon's overrides).
    /// </summary>
    public IDictionary<string, string?> DaemonSettings(string username, string password, int own = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(own);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(own, Masters.Count);
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["SaltApi:Name"] = NameOf(own),
            ["SaltApi:BaseUrl"] = Masters[own].BaseUrl,
            ["SaltApi:Username"] = username,
            ["SaltApi:Password"] = password,
        };
        if (Masters.Count > 1)
            settings["SaltApi:Topology"] = TopologySetting;
        foreach (var i in Enumerable.Range(0, Masters.Count).Where(i => i != own))
        {
            var key = $"SaltApi:Masters:{NameOf(i)}";
            settings[key + ":BaseUrl"] = Masters[i].BaseUrl;
            settings[key + ":Username"] = username;
            settings[key + ":Password"] = password;
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var master in Masters)
            await master.DisposeAsync();
        Minions.Dispose();
    }
}
