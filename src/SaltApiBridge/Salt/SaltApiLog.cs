using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Salt;

/// <summary>Every log line of the salt-api client. None takes a token, password or header.</summary>
internal static partial class SaltApiLog
{
    [LoggerMessage(4001, LogLevel.Information, "Logged in to salt-api as {User} (eauth {Eauth}); token renewal at {RenewAt:O}")]
    public static partial void LoggedIn(this ILogger logger, string user, string eauth, DateTimeOffset renewAt);

    [LoggerMessage(4002, LogLevel.Error, "salt-api refused the credentials of user {User} (eauth {Eauth})")]
    public static partial void LoginRefused(this ILogger logger, string user, string eauth);

    [LoggerMessage(4003, LogLevel.Information, "salt-api rejected the token during {Operation}; logging in again once")]
    public static partial void TokenRejected(this ILogger logger, string operation);

    [LoggerMessage(4004, LogLevel.Information, "Logged out of salt-api as {User}")]
    public static partial void LoggedOut(this ILogger logger, string user);

    [LoggerMessage(4005, LogLevel.Warning, "Logout of salt-api as {User} failed: {Reason}")]
    public static partial void LogoutFailed(this ILogger logger, string user, string reason);

    [LoggerMessage(4010, LogLevel.Debug, "Key of minion {MinionId} is {KeyState}")]
    public static partial void KeyState(this ILogger logger, string minionId, MinionKeyState keyState);

    [LoggerMessage(4011, LogLevel.Debug, "Accepted the key of minion {MinionId}")]
    public static partial void KeyAccepted(this ILogger logger, string minionId);

    [LoggerMessage(4012, LogLevel.Debug, "Key of minion {MinionId} was accepted already")]
    public static partial void KeyAlreadyAccepted(this ILogger logger, string minionId);

    [LoggerMessage(4013, LogLevel.Warning, "Key of minion {MinionId} is {KeyState}; not overriding an operator's decision")]
    public static partial void KeyRefused(this ILogger logger, string minionId, MinionKeyState keyState);

    [LoggerMessage(4014, LogLevel.Debug, "No key of minion {MinionId} yet; looking again in {Delay}")]
    public static partial void KeyNotYet(this ILogger logger, string minionId, TimeSpan delay);

    [LoggerMessage(4015, LogLevel.Warning, "No key of minion {MinionId} arrived within {Timeout}")]
    public static partial void KeyWaitExpired(this ILogger logger, string minionId, TimeSpan timeout);

    [LoggerMessage(4016, LogLevel.Debug, "Deleted the key of minion {MinionId} (if it existed)")]
    public static partial void KeyDeleted(this ILogger logger, string minionId);

    [LoggerMessage(4020, LogLevel.Debug, "Minion {MinionId} answers test.ping")]
    public static partial void Reachable(this ILogger logger, string minionId);

    [LoggerMessage(4021, LogLevel.Debug, "Minion {MinionId} did not answer test.ping yet; pinging again in {Delay}")]
    public static partial void NotReachableYet(this ILogger logger, string minionId, TimeSpan delay);

    [LoggerMessage(4022, LogLevel.Warning, "Minion {MinionId} did not answer test.ping within {Timeout}")]
    public static partial void ReachableWaitExpired(this ILogger logger, string minionId, TimeSpan timeout);

    [LoggerMessage(4023, LogLevel.Warning, "test.ping matched no accepted key for minion {MinionId}")]
    public static partial void PingMatchedNoKey(this ILogger logger, string minionId);

    [LoggerMessage(4030, LogLevel.Information, "Published {Function} to minion {MinionId} as job {Jid}")]
    public static partial void JobPublished(this ILogger logger, string function, string minionId, string jid);

    [LoggerMessage(4031, LogLevel.Warning, "{Function} for minion {MinionId} matched no accepted key; nothing was published")]
    public static partial void NoMatchingMinion(this ILogger logger, string function, string minionId);

    [LoggerMessage(4032, LogLevel.Debug, "Job {Jid} of minion {MinionId} still running; polling again in {Delay}")]
    public static partial void JobRunning(this ILogger logger, string jid, string minionId, TimeSpan delay);

    [LoggerMessage(4033, LogLevel.Debug, "salt-api does not know job {Jid} of minion {MinionId} yet: {Error}")]
    public static partial void JobNotFound(this ILogger logger, string jid, string minionId, string error);

    [LoggerMessage(4034, LogLevel.Debug, "Job {Jid} on minion {MinionId} finished: {Status}, {FailedCount} failed state(s)")]
    public static partial void JobFinished(this ILogger logger, string jid, string minionId, StateRunStatus status, int failedCount);

    [LoggerMessage(4035, LogLevel.Warning, "Minion {MinionId} did not return job {Jid} within {Timeout}")]
    public static partial void JobTimedOut(this ILogger logger, string minionId, string jid, TimeSpan timeout);

    [LoggerMessage(4040, LogLevel.Debug, "Fired event {Tag}")]
    public static partial void EventFired(this ILogger logger, string tag);

    [LoggerMessage(4017, LogLevel.Warning, "Accepting the {KeyState} key of minion {MinionId}, as configured (Bridge:AcceptRejectedKeys / AcceptDeniedKeys)")]
    public static partial void KeyOverridden(this ILogger logger, string minionId, MinionKeyState keyState);

    [LoggerMessage(4018, LogLevel.Debug, "Keys: {Accepted} accepted, {Pending} pending, {Rejected} rejected, {Denied} denied")]
    public static partial void KeysListed(this ILogger logger, int accepted, int pending, int rejected, int denied);

    [LoggerMessage(4024, LogLevel.Debug, "Minion {MinionId} announced its start on the event bus")]
    public static partial void StartAnnounced(this ILogger logger, string minionId);

    [LoggerMessage(4036, LogLevel.Information, "Return of job {Jid} on minion {MinionId} not usable from the event stream ({Reason}); reading it with GET /jobs")]
    public static partial void JobReturnFallback(this ILogger logger, string jid, string minionId, string reason);

    [LoggerMessage(4037, LogLevel.Error, "salt-api published {Function} to minion {MinionId} under jid {Published}, not the requested {Requested}: this master ignores caller-chosen jids, so a lost reply can no longer be retried safely; waiting for the job it published")]
    public static partial void JidIgnored(this ILogger logger, string function, string minionId, string published, string requested);
}
