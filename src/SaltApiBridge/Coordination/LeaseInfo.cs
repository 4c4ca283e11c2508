namespace SaltApiBridge.Coordination;

/// <summary>One lease held now: what for (<c>instance</c> and its minion id, or <c>task</c> and its name), by which replica, until when.</summary>
/// <param name="Expires">When it runs out unless renewed; null for a lease that cannot run out while held (a lock file).</param>
public sealed record LeaseInfo(string Kind, string Name, string Holder, DateTimeOffset? Expires)
{
    public static LeaseInfo Of(LeaseKey key, string holder, DateTimeOffset? expires = null) =>
        new(key.Kind == LeaseKind.Instance ? "instance" : "task", key.Name, holder, expires);
}
