namespace SaltApiBridge.Coordination;

/// <summary>
/// Work known to be finished, remembered for <c>Pipeline:DeduplicationWindow</c>, so a duplicate delivery (the same
/// message again, or the same lifecycle action through another path or to another replica) is recognised and deleted
/// without acting twice. Keys are <c>message:&lt;id&gt;</c> and <c>action:&lt;hash of the token&gt;</c>; never a token.
/// </summary>
public interface IFinishedWork
{
    /// <summary>True when <paramref name="key"/> was remembered as finished within the window.</summary>
    Task<bool> ContainsAsync(string key, CancellationToken cancellationToken);

    Task AddAsync(string key, CancellationToken cancellationToken);
}
