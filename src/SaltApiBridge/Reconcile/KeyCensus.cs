using SaltApiBridge.Salt;

namespace SaltApiBridge.Reconcile;

/// <summary>
/// The key listings of the masters that answered, by minion id: which master holds which key in which directory. An id
/// in several directories of one master counts as accepted first, then pending (as the single-master reconcile judged it).
/// </summary>
internal sealed class KeyCensus
{
    private readonly IReadOnlyList<(string Master, Dictionary<string, MinionKeyState> Keys)> masters;

    public KeyCensus(IReadOnlyList<(string Master, KeyListing Keys)> listings)
    {
        ArgumentNullException.ThrowIfNull(listings);
        masters = [.. listings.Select(l => (l.Master, StatesOf(l.Keys)))];
    }

    /// <summary>The masters whose keys are in the census, in configuration order.</summary>
    public IReadOnlyList<string> Masters => [.. masters.Select(m => m.Master)];

    /// <summary>Every id accepted on at least one master, each once.</summary>
    public IEnumerable<string> Accepted =>
        masters.SelectMany(m => m.Keys.Where(k => k.Value == MinionKeyState.Accepted).Select(k => k.Key)).Distinct(StringComparer.Ordinal);

    /// <summary>The id's state on every master of the census, in configuration order.</summary>
    public IReadOnlyList<MasterKey> StatesOf(string minionId) =>
        [.. masters.Select(m => new MasterKey(m.Master, m.Keys.GetValueOrDefault(minionId, MinionKeyState.Absent)))];

    public IEnumerable<string> AcceptedOn(string minionId) =>
        masters.Where(m => m.Keys.GetValueOrDefault(minionId) == MinionKeyState.Accepted).Select(m => m.Master);

    public bool IsAcceptedEverywhere(string minionId) =>
        masters.All(m => m.Keys.GetValueOrDefault(minionId) == MinionKeyState.Accepted);

    public bool IsAcceptedAnywhere(string minionId) =>
        masters.Any(m => m.Keys.GetValueOrDefault(minionId) == MinionKeyState.Accepted);

    private static Dictionary<string, MinionKeyState> StatesOf(KeyListing keys)
    {
        var states = new Dictionary<string, MinionKeyState>(StringComparer.Ordinal);
        // Weakest first: a later directory overwrites, so accepted wins, then pending.
        foreach (var id in keys.Denied)
            states[id] = MinionKeyState.Denied;
        foreach (var id in keys.Rejected)
            states[id] = MinionKeyState.Rejected;
        foreach (var id in keys.Pending)
            states[id] = MinionKeyState.Pending;
        foreach (var id in keys.Accepted)
            states[id] = MinionKeyState.Accepted;
        return states;
    }
}
