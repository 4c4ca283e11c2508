using Microsoft.Extensions.Logging;

namespace SaltApiBridge.Salt;

/// <summary>Every log line of the salt-api client. None takes a token, password or header.</summary>
internal static partial class SaltApiLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Logged in to salt-api as {user} (eauth {eauth}); token renewal at {renewAt:O}")]
    public static partial void LoggedIn(this ILogger logger, string user, string eauth, DateTimeOffset renewAt);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "salt-api refused the credentials of user {user} (eauth {eauth})")]
    public static partial void LoginRefused(this ILogger logger, string user, string eauth);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "salt-api rejected the token during {operation}; logging in again once")]
    public static partial void TokenRejected(this ILogger logger, string operation);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Logged out of salt-api as {user}")]
    public static partial void LoggedOut(this ILogger logger, string user);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Logout of salt-api as {user} failed: {reason}")]
    public static partial void LogoutFailed(this ILogger logger, string user, string reason);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Key of minion {minionId} is {keyState}")]
    public static partial void KeyState(this ILogger logger, string minionId, MinionKeyState keyState);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Debug, Message = "Accepted the key of minion {minionId}")]
    public static partial void KeyAccepted(this ILogger logger, string minionId);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Debug, Message = "Key of minion {minionId} was accepted already")]
    public static partial void KeyAlreadyAccepted(this ILogger logger, string minionId);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Key of minion {minionId} is {keyState}; not overriding an operator's decision")]
    public static partial void KeyRefused(this ILogger logger, string minionId, MinionKeyState keyState);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Debug, Message = "No key of minion {minionId} yet; looking again in {delay}")]
    public static partial void KeyNotYet(this ILogger logger, string minionId, TimeSpan delay);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Warning, Message = "No key of minion {minionId} arrived within {timeout}")]
    public static partial void KeyWaitExpired(this ILogger logger, string minionId, TimeSpan timeout);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Debug, Message = "Deleted the key of minion {minionId} (if it existed)")]
    public static partial void KeyDeleted(this ILogger logger, string minionId);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Debug, Message = "Minion {minionId} answers test.ping")]
    public static partial void Reachable(this ILogger logger, string minionId);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Debug, Message = "Minion {minionId} did not answer test.ping yet; pinging again in {delay}")]
    public static partial void NotReachableYet(this ILogger logger, string minionId, TimeSpan delay);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Minion {minionId} did not answer test.ping within {timeout}")]
    public static partial void ReachableWaitExpired(this ILogger logger, string minionId, TimeSpan timeout);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Warning, Message = "test.ping matched no accepted key for minion {minionId}")]
    public static partial void PingMatchedNoKey(this ILogger logger, string minionId);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Published {function} to minion {minionId} as job {jid}")]
    public static partial void JobPublished(this ILogger logger, string function, string minionId, string jid);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Warning, Message = "{function} for minion {minionId} matched no accepted key; nothing was published")]
    public static partial void NoMatchingMinion(this ILogger logger, string function, string minionId);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Debug, Message = "Job {jid} of minion {minionId} still running; polling again in {delay}")]
    public static partial void JobRunning(this ILogger logger, string jid, string minionId, TimeSpan delay);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Debug, Message = "salt-api does not know job {jid} of minion {minionId} yet: {error}")]
    public static partial void JobNotFound(this ILogger logger, string jid, string minionId, string error);

    [LoggerMessage(EventId = 4034, Level = LogLevel.Debug, Message = "Job {jid} on minion {minionId} finished: {status}, {failedCount} failed state(s)")]
    public static partial void JobFinished(this ILogger logger, string jid, string minionId, StateRunStatus status, int failedCount);

    [LoggerMessage(EventId = 4035, Level = LogLevel.Warning, Message = "Minion {minionId} did not return job {jid} within {timeout}")]
    public static partial void JobTimedOut(this ILogger logger, string minionId, string jid, TimeSpan timeout);

    [LoggerMessage(EventId = 4040, Level = LogLevel.Debug, Message = "Fired event {tag}")]
    public static partial void EventFired(this ILogger logger, string tag);

    [LoggerMessage(EventId = 4017, Level = LogLevel.Warning, Message = "Accepting the {keyState} key of minion {minionId}, as configured (Bridge:AcceptRejectedKeys / AcceptDeniedKeys)")]
    public static partial void KeyOverridden(this ILogger logger, string minionId, MinionKeyState keyState);

    [LoggerMessage(EventId = 4018, Level = LogLevel.Debug, Message = "Keys: {accepted} accepted, {pending} pending, {rejected} rejected, {denied} denied")]
    public static partial void KeysListed(this ILogger logger, int accepted, int pending, int rejected, int denied);

    [LoggerMessage(EventId = 4024, Level = LogLevel.Information, Message = "Minion {minionId} announced its start on the event bus")]
    public static partial void StartAnnounced(this ILogger logger, string minionId);

    [LoggerMessage(EventId = 4036, Level = LogLevel.Information, Message = "Return of job {jid} on minion {minionId} not usable from the event stream ({reason}); reading it with GET /jobs")]
    public static partial void JobReturnFallback(this ILogger logger, string jid, string minionId, string reason);

    [LoggerMessage(EventId = 4037, Level = LogLevel.Error, Message = "salt-api published {function} to minion {minionId} under jid {published}, not the requested {requested}: this master ignores caller-chosen jids, so a lost reply can no longer be retried safely; waiting for the job it published")]
    public static partial void JidIgnored(this ILogger logger, string function, string minionId, string published, string requested);
}
