using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaltApiBridge.AutoScaling;
using SaltApiBridge.Lifecycle;
using SaltApiBridge.Pipeline;
using SaltApiBridge.Salt;
using SaltApiBridge.Telemetry;

namespace SaltApiBridge.Provisioning.Gate;

/// <summary>
/// The trust gate before a launch's key is accepted. Every signal must agree:
/// <list type="number">
/// <item>the lifecycle event (only ids rendered from an event's group and instance ever reach this gate: the bridge
/// never lists pending keys to accept them, so a key that appears for an id no event announced is never accepted);</item>
/// <item>a key with exactly the expected minion id, pending (rejected or denied only when configured);</item>
/// <item>Auto Scaling confirming, at that moment, that the instance is in the event's group and waiting for this launch
/// (Pending:Wait, or Warmed:Pending:Wait when it launches into the warm pool).</item>
/// </list>
/// Each refusal is logged with its reason and counted; the caller fires the Salt event.
/// <para>With several masters (<see cref="SaltMasterSet"/>) the key is judged on each: <c>hot</c>, pending on every
/// master with one fingerprint (one minion, one key pair: a different one is not our minion's) and accepted on each;
/// <c>shared-pki</c>, accepted once and confirmed from every master; <c>failover</c>, accepted where the minion
/// waits. A master that does not answer (or never gets the key) is waited for until
/// <see cref="SaltApiOptions.MasterDownTimeout"/> and then fails the launch (<see cref="MasterDownPolicy.Wait"/>), or is
/// left owed (<see cref="MasterDownPolicy.Proceed"/>); no master answering is a salt-api failure (retried), so an
/// instance no master accepted never passes.</para>
/// </summary>
internal sealed class AcceptGate(
    SaltMasterSet masters,
    IAutoScalingInventory autoScaling,
    IOptions<BridgeOptions> options,
    IOptions<SaltApiOptions> saltOptions,
    BridgeMetrics metrics,
    TimeProvider timeProvider,
    ILogger<AcceptGate> logger)
{
    public const string KeyRejected = "key_rejected";
    public const string KeyDenied = "key_denied";
    public const string InstanceUnknown = "instance_unknown";
    public const string WrongGroup = "wrong_group";
    public const string NotWaiting = "not_pending_wait";
    public const string FingerprintMismatch = "fingerprint_mismatch";
    public const string MasterUnavailable = "master_unavailable";

    /// <summary>Waits (bounded) for the expected key, asks Auto Scaling about the instance, and accepts the key when all agree.</summary>
    public async Task<GateOutcome> PassAsync(LifecycleEvent launch, string minionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var instanceId = launch.InstanceId ?? throw new ArgumentException("a launch names its instance", nameof(launch));
        return await ActionTrace.GateAsync(() => masters.IsSingle
            ? PassOneAsync(launch, instanceId, minionId, masters.Primary, cancellationToken)
            : PassManyAsync(launch, instanceId, minionId, cancellationToken));
    }

    private async Task<GateOutcome> PassOneAsync(LifecycleEvent launch, string instanceId, string minionId, NamedSaltMaster only, CancellationToken cancellationToken)
    {
        var salt = only.Master;
        var key = await salt.WaitForKeyAsync(minionId, cancellationToken);
        if (key == MinionKeyState.Absent)
            return new GateOutcome(GateVerdict.NoKey, null, $"no key for {minionId} arrived in time (the minion never started, or its id is not the expected one)", false);

        if (await CheckInstanceAsync(launch, instanceId, minionId, key == MinionKeyState.Accepted, cancellationToken) is { } notOurs)
            return notOurs;

        var bridge = options.Value;
        switch (key)
        {
            case MinionKeyState.Accepted:
                return new GateOutcome(GateVerdict.AlreadyAccepted, null, null, true) { JobMaster = only.Name };
            case MinionKeyState.Rejected when !bridge.AcceptRejectedKeys:
                return Refused(KeyRejected, $"the key of {minionId} is rejected; the bridge does not override that (Bridge:AcceptRejectedKeys)", true, minionId, instanceId);
            case MinionKeyState.Denied when !bridge.AcceptDeniedKeys:
                return Refused(KeyDenied, $"the key of {minionId} is denied; the bridge does not override that (Bridge:AcceptDeniedKeys)", true, minionId, instanceId);
        }

        var accepted = await ActionTrace.AcceptAsync(only.Name, () => salt.AcceptKeyAsync(minionId, key, cancellationToken));
        return new GateOutcome(accepted == KeyAcceptOutcome.AlreadyAccepted ? GateVerdict.AlreadyAccepted : GateVerdict.Accepted, null, null, true) { JobMaster = only.Name };
    }

    private async Task<GateOutcome> PassManyAsync(LifecycleEvent launch, string instanceId, string minionId, CancellationToken cancellationToken)
    {
        var o = saltOptions.Value;
        var deadline = timeProvider.GetUtcNow() + o.MasterDownTimeout;
        var looks = await LookAsync(minionId, deadline, cancellationToken);
        var present = looks.Where(l => l.Key is { State: not MinionKeyState.Absent }).ToList();
        if (present.Count == 0)
        {
            if (looks.All(l => l.Key is null))
                throw new SaltApiException($"no master answered about the key of {minionId}: {Problems(looks)}", isTransient: true);
            return new GateOutcome(GateVerdict.NoKey, null, $"no key for {minionId} arrived in time on any master (the minion never started, or its id is not the expected one)", false);
        }

        if (await CheckInstanceAsync(launch, instanceId, minionId, present.All(l => l.Key!.State == MinionKeyState.Accepted), cancellationToken) is { } notOurs)
            return notOurs;

        // One minion has one key pair: the same fingerprint on every master, or one of them is not this minion's key.
        var prints = present.Select(l => l.Key!.Fingerprint).Distinct(StringComparer.Ordinal).ToList();
        if (prints.Count > 1)
        {
            var which = string.Join(", ", present.Select(l => $"{l.Master.Name}: {l.Key!.Fingerprint}"));
            return Refused(FingerprintMismatch, $"the key of {minionId} is not the same on every master ({which}): one is not this minion's key; nothing accepted", true, minionId, instanceId);
        }

        var bridge = options.Value;
        foreach (var look in present)
        {
            if (look.Key!.State == MinionKeyState.Rejected && !bridge.AcceptRejectedKeys)
                return Refused(KeyRejected, $"the key of {minionId} is rejected on master {look.Master.Name}; the bridge does not override that (Bridge:AcceptRejectedKeys)", true, minionId, instanceId);
            if (look.Key.State == MinionKeyState.Denied && !bridge.AcceptDeniedKeys)
                return Refused(KeyDenied, $"the key of {minionId} is denied on master {look.Master.Name} (a stale key of that id is accepted there; delete it with salt-key -d); the bridge does not override that (Bridge:AcceptDeniedKeys)", true, minionId, instanceId);
        }

        var fingerprint = prints[0]!;
        var rules = masters.Rules;
        var missing = rules.KeyOnEveryMaster ? looks.Where(l => l.Key is not { State: not MinionKeyState.Absent }).ToList() : [];
        foreach (var look in missing)
            ProvisioningLog.MasterKeyMissing(logger, look.Master.Name, instanceId, minionId, look.Problem ?? "no key");
        if (missing.Count > 0 && o.MasterDown == MasterDownPolicy.Wait)
            return Unavailable(missing, o, minionId, instanceId);

        // Accept: on every master that holds the key (hot), once where the masters share it (shared-pki), where the minion
        // waits (failover: a pending key; another master's entry for the id is an older one). The key wait may have used
        // up the first deadline: a master that stops answering now gets its own.
        var accepting = rules.AcceptOn(present, l => l.Key!.State == MinionKeyState.Pending);
        deadline = timeProvider.GetUtcNow() + o.MasterDownTimeout;
        var accepts = await Task.WhenAll(accepting.Select(l => AcceptOnAsync(l, minionId, deadline, cancellationToken)));
        var moved = accepts.Any(a => a.Moved);
        var failed = accepts.Where(a => a.Problem is not null).ToList();
        var done = accepts.Where(a => a.Problem is null).ToList();
        if (rules.ConfirmOnOthers && done.Count > 0)
        {
            // The masters share the key directories: what one accepted, each must now see accepted, with the same key.
            var confirmed = await Task.WhenAll(looks.Where(l => l.Master != done[0].Master).Select(l => ConfirmOnAsync(l.Master, minionId, fingerprint, deadline, cancellationToken)));
            done.AddRange(confirmed.Where(c => c.Problem is null));
            failed.AddRange(confirmed.Where(c => c.Problem is not null));
        }

        foreach (var look in failed)
            ProvisioningLog.MasterKeyMissing(logger, look.Master.Name, instanceId, minionId, look.Problem!);
        if (done.Count == 0)
            throw new SaltApiException($"no master accepted the key of {minionId}: {Problems(failed)}", isTransient: true);
        var owed = missing.Concat(failed).Select(l => l.Master.Name).Distinct(StringComparer.Ordinal).ToList();
        if (failed.Count > 0 && o.MasterDown == MasterDownPolicy.Wait)
        {
            // Every master or none: what this gate accepted is taken back (the minion's key comes back pending).
            await UndoAsync(done.Where(d => d.Moved), minionId, instanceId, cancellationToken);
            return Unavailable(failed, o, minionId, instanceId);
        }

        // Jobs go through the first master, in configuration order, that accepted (the local one while it answers); in
        // failover, the one whose pending key this gate accepted: the minion is connected there.
        var connected = rules.JobsWhereAcceptedNow && done.Any(d => d.Moved) ? done.Where(d => d.Moved).ToList() : done;
        var jobMaster = masters.Masters.First(m => connected.Any(d => d.Master == m)).Name;
        ProvisioningLog.KeyAcceptedOnMasters(logger, instanceId, minionId, fingerprint, string.Join(", ", done.Select(d => d.Master.Name)), jobMaster);
        if (owed.Count > 0)
            ProvisioningLog.AcceptOwed(logger, instanceId, minionId, string.Join(", ", owed));
        return new GateOutcome(moved ? GateVerdict.Accepted : GateVerdict.AlreadyAccepted, null, null, true)
        {
            JobMaster = jobMaster,
            OwedAccepts = owed,
            Fingerprint = fingerprint,
        };
    }

    /// <summary>
    /// The key on each master. Hot and shared-pki wait for it on every master; failover takes the first master where
    /// it shows up (the minion talks to one master at a time).
    /// </summary>
    private async Task<IReadOnlyList<MasterLook>> LookAsync(string minionId, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (masters.Rules.KeyOnEveryMaster)
            return await Task.WhenAll(masters.Masters.Select(m => LookOnAsync(m, minionId, deadline, cancellationToken)));

        using var found = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var looking = masters.Masters.Select(m => LookOnAsync(m, minionId, deadline, found.Token)).ToList();
        var looks = new List<MasterLook>();
        while (looking.Count > 0)
        {
            var first = await Task.WhenAny(looking);
            looking.Remove(first);
            var look = await first;
            looks.Add(look);
            // Only a pending key says the minion waits there: an accepted, rejected or denied entry may be an older one.
            if (look.Key is { State: MinionKeyState.Pending })
            {
                await found.CancelAsync();
                break;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return looks;
    }

    /// <summary>One master's key (waited for, bounded) and fingerprint; a master that does not answer is asked again until the deadline under Wait.</summary>
    private Task<MasterLook> LookOnAsync(NamedSaltMaster master, string minionId, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        AskAsync(master, deadline, async () =>
        {
            if (await master.Master.WaitForKeyAsync(minionId, cancellationToken) == MinionKeyState.Absent)
                return new MasterLook(master, KeyFingerprint.None, $"no key arrived within {saltOptions.Value.KeyWaitTimeout}");
            return new MasterLook(master, await master.Master.GetKeyFingerprintAsync(minionId, cancellationToken), null);
        }, cancellationToken);

    private Task<MasterLook> AcceptOnAsync(MasterLook look, string minionId, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        look.Key!.State == MinionKeyState.Accepted
            ? Task.FromResult(look)
            : AskAsync(look.Master, deadline, async () =>
            {
                var outcome = await ActionTrace.AcceptAsync(look.Master.Name, () => look.Master.Master.AcceptKeyAsync(minionId, look.Key.State, cancellationToken));
                return look with { Key = look.Key with { State = MinionKeyState.Accepted }, Moved = outcome == KeyAcceptOutcome.Accepted };
            }, cancellationToken);

    private Task<MasterLook> ConfirmOnAsync(NamedSaltMaster master, string minionId, string fingerprint, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        AskAsync(master, deadline, async () =>
        {
            var key = await master.Master.GetKeyFingerprintAsync(minionId, cancellationToken);
            return key.State == MinionKeyState.Accepted && key.Fingerprint == fingerprint
                ? new MasterLook(master, key, null)
                : new MasterLook(master, key, $"does not see the key accepted ({key.State}{(key.Fingerprint is null ? "" : ", fingerprint " + key.Fingerprint)}): is pki/master/minions really shared?");
        }, cancellationToken);

    /// <summary>
    /// One question to one master. salt-api failing (down, refusing, a call outside the user's rights) is that master's
    /// problem, not the launch's exception; under Wait a transient failure is asked again until the deadline.
    /// </summary>
    private async Task<MasterLook> AskAsync(NamedSaltMaster master, DateTimeOffset deadline, Func<Task<MasterLook>> ask, CancellationToken cancellationToken)
    {
        var o = saltOptions.Value;
        while (true)
        {
            try
            {
                return await ask();
            }
            catch (SaltApiException e)
            {
                var left = deadline - timeProvider.GetUtcNow();
                if (!e.IsTransient || o.MasterDown != MasterDownPolicy.Wait || left <= TimeSpan.Zero)
                    return new MasterLook(master, null, e.Message);
                ProvisioningLog.MasterNotAnswering(logger, master.Name, e.Message, deadline);
                var pause = o.MasterRetryInterval < left ? o.MasterRetryInterval : left;
                await Task.Delay(pause < MinimumPause ? MinimumPause : pause, timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>Deletes the key where this gate just accepted it; best effort, since the ABANDON that follows ends in a terminated notification that deletes it everywhere.</summary>
    private async Task UndoAsync(IEnumerable<MasterLook> accepted, string minionId, string instanceId, CancellationToken cancellationToken)
    {
        foreach (var look in accepted)
        {
            try
            {
                await look.Master.Master.DeleteKeyAsync(minionId, cancellationToken);
            }
            catch (SaltApiException e)
            {
                ProvisioningLog.MasterKeyMissing(logger, look.Master.Name, instanceId, minionId, "could not take back its accept: " + e.Message);
            }
        }
    }

    private GateOutcome Unavailable(IEnumerable<MasterLook> missing, SaltApiOptions o, string minionId, string instanceId) =>
        Refused(MasterUnavailable, $"the key of {minionId} could not be accepted on every master within {o.MasterDownTimeout} ({Problems(missing)}); SaltApi:MasterDown is Wait", true, minionId, instanceId);

    private static string Problems(IEnumerable<MasterLook> looks) =>
        string.Join("; ", looks.Where(l => l.Problem is not null).Select(l => $"{l.Master.Name}: {l.Problem}"));

    /// <summary>Asked right before the key moves: a message can be old, forged or replayed; AWS's answer cannot. Null when the launch waits for us.</summary>
    private async Task<GateOutcome?> CheckInstanceAsync(LifecycleEvent launch, string instanceId, string minionId, bool keyAccepted, CancellationToken cancellationToken)
    {
        var expectedState = launch.IntoWarmPool ? AutoScalingInstance.WarmedPendingWait : AutoScalingInstance.PendingWait;
        var described = await autoScaling.DescribeInstancesAsync([instanceId], cancellationToken);
        var instance = described.FirstOrDefault(i => i.InstanceId == instanceId);
        var group = launch.AutoScalingGroupName;
        if (instance is null)
            return Refused(InstanceUnknown, $"Auto Scaling knows no instance {instanceId}: the event is not about a live launch", false, minionId, instanceId);
        if (instance.AutoScalingGroupName != group)
            return Refused(WrongGroup, $"instance {instanceId} is in group {instance.AutoScalingGroupName}, not {group} as the event says", false, minionId, instanceId);
        if (instance.LifecycleState != expectedState && keyAccepted)
            return new GateOutcome(GateVerdict.ActionEnded, null, $"instance {instanceId} is {instance.LifecycleState} and its key accepted: this launch was finished before", true);
        if (instance.LifecycleState != expectedState)
            return Refused(NotWaiting, $"instance {instanceId} is {instance.LifecycleState}, not {expectedState}: its launch is not waiting for us", false, minionId, instanceId);
        return null;
    }

    private GateOutcome Refused(string reason, string detail, bool instanceConfirmed, string minionId, string instanceId)
    {
        metrics.AcceptRefused(reason);
        ProvisioningLog.AcceptRefused(logger, instanceId, minionId, reason, detail);
        return GateOutcome.Refuse(reason, detail, instanceConfirmed);
    }

    /// <summary>The shortest pause between two questions to a master that does not answer.</summary>
    private static readonly TimeSpan MinimumPause = TimeSpan.FromSeconds(1);

    /// <summary>What one master said about the key; <see cref="Key"/> null and <see cref="Problem"/> set when it could not say.</summary>
    private sealed record MasterLook(NamedSaltMaster Master, KeyFingerprint? Key, string? Problem, bool Moved = false);
}
