namespace SaltApiBridge.Coordination;

/// <summary>
/// A record write lost the race: the stored record is no longer the version the writer read. Never overwritten: the
/// writer reads it again and decides again.
/// </summary>
public sealed class RecordConflictException(string minionId, long expectedVersion)
    : Exception($"the provisioning record of {minionId} changed since version {expectedVersion} was read")
{
    public string MinionId { get; } = minionId;

    public long ExpectedVersion { get; } = expectedVersion;
}
