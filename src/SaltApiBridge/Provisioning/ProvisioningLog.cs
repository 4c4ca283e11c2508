using Microsoft.Extensions.Logging;
using SaltApiBridge.Salt;

namespace SaltApiBridge.Provisioning;

internal static partial class ProvisioningLog
{
    [LoggerMessage(2006, LogLevel.Warning, "Work for {InstanceId} as {MinionId} was interrupted by shutdown; releasing its message")]
    public static partial void WorkInterrupted(ILogger logger, string instanceId, string minionId);

    [LoggerMessage(2007, LogLevel.Error, "salt-api failed for {InstanceId} as {MinionId}: {Error}")]
    public static partial void SaltApiFailed(ILogger logger, string instanceId, string minionId, string error);

    [LoggerMessage(2008, LogLevel.Error, "Auto Scaling failed for {InstanceId} as {MinionId}: {Error}")]
    public static partial void AutoScalingFailed(ILogger logger, string instanceId, string minionId, string error);

    [LoggerMessage(2010, LogLevel.Information, "Accepted the key of {InstanceId} as {MinionId} (already accepted: {AlreadyAccepted})")]
    public static partial void KeyAccepted(ILogger logger, string instanceId, string minionId, bool alreadyAccepted);

    [LoggerMessage(2011, LogLevel.Information, "Deleted the key of {InstanceId} as {MinionId}")]
    public static partial void KeyDeleted(ILogger logger, string instanceId, string minionId);

    [LoggerMessage(2012, LogLevel.Information, "{Step} on {MinionId} ({InstanceId}) ended: {Status}, jid {Jid}")]
    public static partial void StatesRan(ILogger logger, string instanceId, string minionId, string step, string? jid, StateRunStatus status);

    [LoggerMessage(2013, LogLevel.Warning, "Clean-up of {MinionId} ({InstanceId}) failed; completing the termination anyway: {Failure}")]
    public static partial void CleanFailed(ILogger logger, string instanceId, string minionId, string failure);

    [LoggerMessage(2014, LogLevel.Debug, "Completed the lifecycle action of {InstanceId} ({MinionId}) with {Result}")]
    public static partial void Completed(ILogger logger, string instanceId, string minionId, string result);

    [LoggerMessage(2015, LogLevel.Warning, "The lifecycle action of {InstanceId} ({MinionId}) had already ended (timed out or completed elsewhere)")]
    public static partial void ActionAlreadyGone(ILogger logger, string instanceId, string minionId);

    [LoggerMessage(2016, LogLevel.Warning, "Provisioning of {InstanceId} ({MinionId}) failed; leaving the message for redrive: {Failure}")]
    public static partial void LeftForRedrive(ILogger logger, string instanceId, string minionId, string failure);

    [LoggerMessage(2017, LogLevel.Warning, "Salt step attempt {Attempt} failed, retrying: {Error}")]
    public static partial void StepRetrying(ILogger logger, int attempt, string error);

    [LoggerMessage(2018, LogLevel.Warning, "Firing Salt event {Tag} for {InstanceId} failed: {Error}")]
    public static partial void EventFailed(ILogger logger, string tag, string instanceId, string error);

    [LoggerMessage(2022, LogLevel.Warning, "Accept gate refused the key of {InstanceId} as {MinionId}: {Reason}: {Detail}")]
    public static partial void AcceptRefused(ILogger logger, string instanceId, string minionId, string reason, string detail);

    [LoggerMessage(2023, LogLevel.Information, "Resuming work for {InstanceId} as {MinionId} from its record (highstate jid {Jid})")]
    public static partial void Resuming(ILogger logger, string instanceId, string minionId, string? jid);

    [LoggerMessage(2024, LogLevel.Warning, "{Step} job {Jid} of {MinionId} ({InstanceId}), recorded before a restart, is unknown to the master; publishing it under the same jid (the minion runs a jid once)")]
    public static partial void ResumedJobRepublished(ILogger logger, string instanceId, string minionId, string step, string jid);

    [LoggerMessage(2025, LogLevel.Warning, "Cannot write the provisioning record of {MinionId}: {Error}")]
    public static partial void RecordFailed(ILogger logger, string minionId, string error);

    [LoggerMessage(2026, LogLevel.Warning, "{Step} on {MinionId} ({InstanceId}) was not started: another state run is in progress there (jid {RunningJid}); waiting for it to end, then publishing ours")]
    public static partial void AnotherRunInProgress(ILogger logger, string instanceId, string minionId, string step, string? runningJid);

    [LoggerMessage(2027, LogLevel.Warning, "{Step} on {MinionId} ({InstanceId}): another state run was still in progress after {Bound}; leaving the message for redelivery")]
    public static partial void StillBusy(ILogger logger, string instanceId, string minionId, string step, TimeSpan bound);

    [LoggerMessage(2028, LogLevel.Warning, "The provisioning record of {MinionId} ({InstanceId}) was changed by another replica; the work is decided again from the stored record")]
    public static partial void RecordConflict(ILogger logger, string instanceId, string minionId);

    [LoggerMessage(2029, LogLevel.Warning, "The coordination store failed for {InstanceId} as {MinionId}: {Error}")]
    public static partial void StoreFailed(ILogger logger, string instanceId, string minionId, string error);

    [LoggerMessage(2040, LogLevel.Warning, "Master {Master} has no usable key for {InstanceId} as {MinionId} yet: {Reason}")]
    public static partial void MasterKeyMissing(ILogger logger, string master, string instanceId, string minionId, string reason);

    [LoggerMessage(2041, LogLevel.Information, "Key of {InstanceId} as {MinionId} (fingerprint {Fingerprint}) accepted on {Masters}; jobs go through {JobMaster}")]
    public static partial void KeyAcceptedOnMasters(ILogger logger, string instanceId, string minionId, string fingerprint, string masters, string jobMaster);

    [LoggerMessage(2042, LogLevel.Warning, "Key of {InstanceId} as {MinionId} not accepted on {Masters} (SaltApi:MasterDown is Proceed): recorded, accepted when the master answers; reconcile reports it until then")]
    public static partial void AcceptOwed(ILogger logger, string instanceId, string minionId, string masters);

    [LoggerMessage(2043, LogLevel.Warning, "Key {MinionId} of {InstanceId} not deleted on {Masters} (did not answer): {Handling}")]
    public static partial void DeleteOwed(ILogger logger, string instanceId, string minionId, string masters, string handling);

    [LoggerMessage(2044, LogLevel.Information, "Owed {Action} of key {MinionId} done on master {Master}")]
    public static partial void OwedDone(ILogger logger, string action, string minionId, string master);

    [LoggerMessage(2045, LogLevel.Warning, "Owed accept of key {MinionId} on master {Master} dropped: {Reason}")]
    public static partial void OwedAcceptDropped(ILogger logger, string minionId, string master, string reason);

    [LoggerMessage(2046, LogLevel.Warning, "Master {Master} did not answer: {Error}; asking again until {Deadline:u} (SaltApi:MasterDown is Wait)")]
    public static partial void MasterNotAnswering(ILogger logger, string master, string error, DateTimeOffset deadline);

    [LoggerMessage(2047, LogLevel.Warning, "Owed {Action} of key {MinionId} on master {Master} dropped: that master is no longer configured")]
    public static partial void OwedDropped(ILogger logger, string action, string minionId, string master);

    [LoggerMessage(2048, LogLevel.Debug, "Owed {Action} of key {MinionId} on master {Master} still owed: {Error}")]
    public static partial void OwedStillOwed(ILogger logger, string action, string minionId, string master, string error);

    [LoggerMessage(2049, LogLevel.Warning, "{Step} job {Jid} of {MinionId} ({InstanceId}) went through master {Master}, which has not answered for {Timeout}: its verdict cannot be seen, so the {Step} runs once more through {LiveMaster}; a second run may follow if the minion ran it there")]
    public static partial void JobMasterDown(ILogger logger, string instanceId, string minionId, string step, string jid, string master, TimeSpan timeout, string liveMaster);
}
