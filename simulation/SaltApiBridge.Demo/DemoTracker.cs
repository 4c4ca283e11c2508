using SaltApiBridge.Lifecycle;
using SaltApiBridge.Simulation;

namespace SaltApiBridge.Demo;

/// <summary>Turns the calls the simulators receive into each instance's steps, for the live view and the verdict.</summary>
internal sealed class DemoTracker
{
    private readonly Dictionary<string, DemoInstance> byMinion;
    private readonly Dictionary<string, (DemoInstance Instance, bool Launch)> byToken;
    private readonly Dictionary<string, HashSet<int>> deletedOn = new(StringComparer.Ordinal);
    private readonly int masters;
    private int strayCalls;
    private bool scalingIn;
    private DemoKill? kill;
    private int refusedCompletions;

    /// <param name="masters">How many masters the calls come from: a key counts as removed once every one deleted it.</param>
    public DemoTracker(IReadOnlyList<DemoInstance> instances, int masters = 1)
    {
        this.masters = masters;
        Instances = instances;
        byMinion = instances.ToDictionary(i => i.MinionId, StringComparer.Ordinal);
        byToken = instances.SelectMany(i => new[] { (i.LaunchToken, (i, true)), (i.TerminateToken, (i, false)) })
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
    }

    public IReadOnlyList<DemoInstance> Instances { get; }

    /// <summary>Whether the scale-in has begun (every launch completed and the terminating hooks sent).</summary>
    public bool ScalingIn
    {
        get => Volatile.Read(ref scalingIn);
        set => Volatile.Write(ref scalingIn, value);
    }

    /// <summary>The replica the demo killed mid-run (with <c>--replicas 2</c>), once it has.</summary>
    public DemoKill? Kill
    {
        get => Volatile.Read(ref kill);
        set => Volatile.Write(ref kill, value);
    }

    /// <summary>Completions Auto Scaling refused because their action was completed already.</summary>
    public int RefusedCompletions => Volatile.Read(ref refusedCompletions);

    /// <summary>Calls for minion ids the demo never announced (must stay 0).</summary>
    public int StrayCalls => Volatile.Read(ref strayCalls);

    public void OnSaltCall(SaltCall call) => OnSaltCall(call, 0);

    /// <param name="master">Which master (0 for the first) received the call.</param>
    public void OnSaltCall(SaltCall call, int master)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.MinionId is null)
            return;
        if (!byMinion.TryGetValue(call.MinionId, out var instance))
        {
            Interlocked.Increment(ref strayCalls);
            return;
        }

        switch (call.What)
        {
            case "wheel key.name_match":
                instance.Progress("waiting for key", call.At);
                break;
            case "wheel key.accept_dict":
                // Accepted on each master of a hot/hot set: one step.
                instance.StepOnce("accept", call.At);
                break;
            case "local test.ping":
                instance.Progress("ping", call.At);
                break;
            case "local_async state.highstate":
                // A publish repeated after a lost reply carries the same jid and runs once: still one highstate.
                instance.StepOnce("highstate", call.At);
                break;
            case "local_async state.sls clean":
                instance.Step("clean", call.At);
                break;
            case "wheel key.delete_dict":
                bool everywhere;
                lock (deletedOn)
                {
                    var on = deletedOn.TryGetValue(call.MinionId, out var seen) ? seen : deletedOn[call.MinionId] = [];
                    everywhere = on.Add(master) && on.Count == masters;
                }

                if (everywhere)
                    instance.KeyRemoved(call.At);
                break;
            case "hook " + BridgeEventTags.ProvisionFailed:
                instance.Step("failed", call.At);
                break;
            case "hook " + BridgeEventTags.Terminating:
                instance.Progress("terminating", call.At);
                break;
        }
    }

    public void OnAutoScalingCall(AutoScalingCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.ActionToken is null || !byToken.TryGetValue(call.ActionToken, out var target))
            return;
        if (call.Action == "CompleteLifecycleAction" && call.Refused)
        {
            // Sent again for an action already completed (a replica killed after completing it, before it could record
            // so): Auto Scaling refuses it, so it completes nothing, but it must not disagree with the completion.
            Interlocked.Increment(ref refusedCompletions);
            target.Instance.CompletedAgain(target.Launch, call.Result ?? "?");
        }
        else if (call.Action == "CompleteLifecycleAction")
            target.Instance.Completed(target.Launch, call.Result ?? "?", DateTimeOffset.UtcNow);
        else
            target.Instance.Progress("heartbeat", DateTimeOffset.UtcNow);
    }
}
